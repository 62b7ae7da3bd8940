"""The fields of a blank filing form, rendered once per process for each form class, locale and
directory lists (issue 8). Every reporter who opens the form gets the same fields; what differs
per visitor (the CSRF and submission tokens) is rendered outside this fragment, and a form
shown again with the reporter's input or errors is always rendered afresh."""
from __future__ import annotations

from functools import lru_cache

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from portal.directory.form_lists import FormLists

FIELDS_TEMPLATE = "public/_submission_fields.html"


def fields_html(form_class: type, lists: FormLists) -> Markup:
    """A blank ``form_class`` form's fields with the choices of ``lists``."""
    return _rendered(form_class, str(get_locale()), lists)


@lru_cache(maxsize=16)
def _rendered(form_class: type, _locale: str, lists: FormLists) -> Markup:
    form = form_class(formdata=None, meta={"csrf": False})  # blank: the tokens are not in it
    form.set_choices(lists)
    return Markup(render_template(FIELDS_TEMPLATE, form=form))
