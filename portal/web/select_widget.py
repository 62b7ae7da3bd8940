"""A select widget for long lists (the directory's 160 agencies, the communes, the procedures).

WTForms' ``Select`` builds every option through ``html_params`` and ``Markup.format``, which
made the options most of the filing form's rendering time (issue 8). ``LongSelect`` writes the
same HTML with one f-string per option.
"""
from __future__ import annotations

from markupsafe import Markup, escape
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.widgets import Select, html_params


class LongSelect(Select):
    """Renders exactly what WTForms' ``Select`` renders, faster for plain options."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", None)
        for name in self.validation_attrs:
            value = getattr(flags, name, None)
            if name not in kwargs and value is not None:
                kwargs[name] = value
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        coerce, data, group = field.coerce, field.data, None
        for choice in field.choices or ():
            if not isinstance(choice, SelectChoice):
                choice = SelectChoice.from_input(choice)
            if choice.optgroup != group:
                if group is not None:
                    html.append("</optgroup>")
                if choice.optgroup is not None:
                    html.append(f"<optgroup {html_params(label=choice.optgroup)}>")
                group = choice.optgroup
            html.append(_option(choice, coerce(choice.value) == data))
        if group is not None:
            html.append("</optgroup>")
        html.append("</select>")
        return Markup("".join(html))


def _option(choice: SelectChoice, selected: bool) -> str:
    if choice.render_kw or isinstance(choice.value, bool):  # rare: WTForms' own path
        return Select.render_option(Choice(choice.value, choice.label, selected, choice.render_kw))
    value, label = escape(choice.value), escape(choice.label or choice.value)
    if selected:
        return f'<option selected value="{value}">{label}</option>'
    return f'<option value="{value}">{label}</option>'
