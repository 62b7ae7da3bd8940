"""A select widget for long lists (the directory's 160 agencies, the communes, the procedures).

WTForms' ``Select`` builds every option through ``html_params`` and ``Markup.format``, which
made the options most of the filing form's rendering time, and of the triage page's, where
every row offers every agency (issue 8). ``LongSelect`` writes the same HTML: for
``RenderedChoices`` (the directory's shared lists) each option's HTML is written once per
list; for other choices, with one f-string per option.
"""
from __future__ import annotations

from markupsafe import Markup, escape
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.widgets import Select, html_params


class RenderedChoices(list):
    """``SelectChoice`` options whose HTML is rendered on first use and then reused; the list
    is shared (directory_choices.py), so it must not change after its first rendering."""

    _parts: list[tuple[object, str, str, str]] | None = None

    def parts(self) -> list[tuple[object, str, str, str]]:
        """(value, HTML before the option (optgroup tags), the option, the option selected),
        then one last entry whose HTML closes an open optgroup."""
        if self._parts is None:
            parts, group = [], None
            for choice in self:
                before = ""
                if choice.optgroup != group:
                    before = ("</optgroup>" if group is not None else "") + (
                        f"<optgroup {html_params(label=choice.optgroup)}>"
                        if choice.optgroup is not None else "")
                    group = choice.optgroup
                parts.append((choice.value, before, _option(choice, False), _option(choice, True)))
            parts.append((None, "</optgroup>" if group is not None else "", "", ""))
            self._parts = parts
        return self._parts


class LongSelect(Select):
    """Renders exactly what WTForms' ``Select`` renders, faster."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", None)
        for name in self.validation_attrs:
            value = getattr(flags, name, None)
            if name not in kwargs and value is not None:
                kwargs[name] = value
        choices = field.choices or []
        if not isinstance(choices, RenderedChoices):
            choices = RenderedChoices(c if isinstance(c, SelectChoice)
                                      else SelectChoice.from_input(c) for c in choices)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        coerce, data = field.coerce, field.data
        *options, (_none, closing, _plain, _chosen) = choices.parts()
        for value, before, plain, chosen in options:
            html.append(before)
            html.append(chosen if coerce(value) == data else plain)
        html.append(closing)
        html.append("</select>")
        return Markup("".join(html))


def _option(choice: SelectChoice, selected: bool) -> str:
    if choice.render_kw or isinstance(choice.value, bool):  # rare: WTForms' own path
        return Select.render_option(Choice(choice.value, choice.label, selected, choice.render_kw))
    value, label = escape(choice.value), escape(choice.label or choice.value)
    if selected:
        return f'<option selected value="{value}">{label}</option>'
    return f'<option value="{value}">{label}</option>'
