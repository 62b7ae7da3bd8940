"""The fields of a blank filing form, rendered once per process for each form class, locale and
directory lists (issue 8). Every reporter who opens the form gets the same fields; what differs
per visitor (the CSRF and submission tokens) is rendered outside this fragment, and a form
shown again with the reporter's input or errors is always rendered afresh."""
from __future__ import annotations

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from portal.directory.form_lists import FormLists

FIELDS_TEMPLATE = "public/_submission_fields.html"
_KEEP = 16
_rendered: dict[tuple, Markup] = {}


def fields_html(form, lists: FormLists) -> Markup:
    """The blank ``form``'s fields (its choices set from ``lists``), from the cache if rendered."""
    key = (type(form), str(get_locale()), lists)
    found = _rendered.get(key)
    if found is None:
        found = Markup(render_template(FIELDS_TEMPLATE, form=form))
        while len(_rendered) >= _KEEP:
            del _rendered[next(iter(_rendered))]
        _rendered[key] = found
    return found
