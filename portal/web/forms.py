"""Shared form base: map domain errors back onto fields."""
from __future__ import annotations

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectChoice
from wtforms.widgets import HiddenInput

from portal.i18n import _l

# For Length(max=...) on fields with no message of their own (WTForms has no Vietnamese).
AT_MOST = _l("At most %(max)d characters.")


def choices(pairs, optgroups=None) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs, optionally grouped by a parallel list."""
    groups = optgroups or [None] * len(pairs)
    return [SelectChoice(value, label, optgroup=group) for (value, label), group in zip(pairs, groups)]


class PortalForm(FlaskForm):
    class Meta:
        def render_field(self, field, render_kw):
            """Hidden inputs written directly, as WTForms' HiddenInput writes them: every form
            carries a CSRF token, every inbox action a version, and the triage page has two
            forms per row, where html_params' formatting was a third of the page (issue 8)."""
            if (type(field.widget) is HiddenInput and not render_kw and not field.render_kw
                    and field.flags.disabled is None):
                return Markup(f'<input id="{escape(field.id)}" name="{escape(field.name)}" '
                              f'type="hidden" value="{escape(field._value())}">')
            return super().render_field(field, render_kw)

    def populate_errors(self, errors: list[tuple[str, str]]) -> None:
        """Attach (field, message) pairs from a ValidationFailed to the form's fields."""
        for name, message in errors:
            field = getattr(self, name, None)
            if field is None:
                self.form_errors.append(message)
            else:
                field.errors = list(field.errors) + [message]

    @property
    def all_errors(self) -> list[str]:
        return [str(m) for msgs in self.errors.values() for m in msgs] + list(self.form_errors)
