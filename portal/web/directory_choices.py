"""The directory's select options, built once per cached ``FormLists`` and placeholder and
shared by every page that shows them (filing form, clerk's intake, triage)."""
from __future__ import annotations

from functools import lru_cache

from markupsafe import escape
from wtforms.fields.choices import SelectChoice

from portal.directory.form_lists import FormLists
from portal.web.select_widget import RenderedChoices


@lru_cache(maxsize=64)
def options(lists: FormLists, which: str, first: tuple[object, str]) -> RenderedChoices:
    """``first`` (value, label) then the ``which`` list of ``lists`` ("agencies", "procedures"
    or "communes"), grouped by its third column when it has one. Labels are escaped once here.
    Callers must not change the list: it is shared, and its options' HTML is kept with it."""
    built = [SelectChoice(first[0], escape(first[1]))]
    for row in getattr(lists, which):
        group = row[2] if len(row) > 2 else None
        built.append(SelectChoice(row[0], escape(row[1]), optgroup=group))
    return RenderedChoices(built)
