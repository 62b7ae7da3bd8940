"""Shared form base: map domain errors back onto fields."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice


def choices(pairs, optgroups=None) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs, optionally grouped by a parallel list."""
    groups = optgroups or [None] * len(pairs)
    return [SelectChoice(value, label, optgroup=group) for (value, label), group in zip(pairs, groups)]


class PortalForm(FlaskForm):
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
