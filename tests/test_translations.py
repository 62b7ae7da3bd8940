"""The Vietnamese catalogue is complete (STYLE §3.6).

It must translate every message a fresh extraction finds, leave no entry empty or fuzzy,
and keep the placeholders of each message.
"""
from __future__ import annotations

import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "portal" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
# As `make extract-messages`: the defaults (_, gettext, ngettext, pgettext...) plus lazy ones.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
SHOWN = 20


def load_catalogue() -> Catalog:
    with open(PO_FILE, "rb") as fh:
        return read_po(fh, locale="vi")


def _method_map():
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, "babel.cfg")
    for pattern, method in method_map:
        if method == "jinja2":  # the macros use {% do %}; every template must parse
            extensions = {e.strip() for e in options_map[pattern].get("extensions", "").split(",")}
            options_map[pattern]["extensions"] = ",".join(sorted((extensions - {""})
                                                                 | {"jinja2.ext.do"}))
    return method_map, options_map


def _only_sources(dirpath: str) -> bool:
    """Walk portal/ and templates/ only (not node_modules, instance, a virtualenv...)."""
    parts = Path(os.path.relpath(dirpath, ROOT)).parts
    return parts[:1] in {("portal",), ("templates",)} and "__pycache__" not in parts


def extract() -> dict[tuple[str | tuple[str, ...], str | None], list[str]]:
    """Every message in the sources today: (msgid, context) -> where it is used."""
    method_map, options_map = _method_map()
    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=_only_sources):
        if isinstance(message, tuple):
            message = tuple(m for m in message if m is not None)
        found.setdefault((message, context), []).append(f"{filename}:{lineno}")
    return found


def _shown(ids: list) -> str:
    lines = [f"  {i!r}" for i in ids[:SHOWN]]
    if len(ids) > SHOWN:
        lines.append(f"  ... and {len(ids) - SHOWN} more")
    return "\n".join(lines)


def test_extraction_finds_the_sources():
    found = extract()
    files = {where.split(":")[0] for places in found.values() for where in places}
    assert any(f.startswith("portal" + os.sep) for f in files)
    assert any(f.startswith("templates" + os.sep) for f in files)
    assert any(f.endswith(".html") for f in files)
    # A lazy label from the models is extracted, so _l is a keyword.
    assert ("Delay in a procedure", None) in found


def test_catalogue_has_every_extracted_message():
    catalogue = load_catalogue()
    missing, plural_changed = [], []
    for (msgid, context), _places in sorted(extract().items(), key=lambda kv: str(kv[0])):
        entry = catalogue.get(msgid, context=context)
        if entry is None:
            missing.append(msgid)
        elif isinstance(msgid, tuple) and tuple(entry.id) != msgid[:len(entry.id)]:
            plural_changed.append(msgid)
    assert not missing and not plural_changed, (
        f"{len(missing)} message(s) found in the sources are not in {PO_FILE.name} "
        f"(run `make update-messages`, then translate):\n{_shown(missing)}"
        + (f"\nplural forms changed:\n{_shown(plural_changed)}" if plural_changed else ""))


def test_catalogue_has_no_empty_or_fuzzy_entries():
    catalogue = load_catalogue()
    assert not catalogue.fuzzy, "the header is fuzzy: pybabel compile would skip the catalogue"
    empty, fuzzy = [], []
    for message in catalogue:
        if not message.id:  # the header
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (
            message.string,)
        if not strings or any(not s or not s.strip() for s in strings):
            empty.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not empty and not fuzzy, (
        f"{len(empty)} untranslated and {len(fuzzy)} fuzzy entries in {PO_FILE.name}:\n"
        f"untranslated:\n{_shown(empty)}\nfuzzy:\n{_shown(fuzzy)}")


def test_translations_keep_the_placeholders():
    """A translation that drops or renames %(name)s raises KeyError when it is shown."""
    problems = [f"{message.id!r}: {'; '.join(str(e) for e in errors)}"
                for message, errors in load_catalogue().check()]
    assert not problems, "\n".join(problems[:SHOWN])


def test_every_form_validator_speaks_the_portals_own_words():
    """WTForms has no Vietnamese catalogue (and its catalogues are off, config.py): a
    validator left with its default message would show English to a Vietnamese user."""
    import importlib
    import pkgutil

    import portal.web
    from wtforms.fields.core import UnboundField
    from wtforms.form import BaseForm

    silent, checked = [], 0
    for module_info in pkgutil.walk_packages(portal.web.__path__, "portal.web."):
        module = importlib.import_module(module_info.name)
        for form in vars(module).values():
            if not (isinstance(form, type) and issubclass(form, BaseForm)):
                continue
            for name in dir(form):
                field = getattr(form, name, None)
                if not isinstance(field, UnboundField):
                    continue
                for validator in field.kwargs.get("validators") or ():
                    checked += 1
                    if hasattr(validator, "message") and validator.message is None \
                            and type(validator).__name__ != "Optional":
                        silent.append(f"{module.__name__}.{form.__name__}.{name}: "
                                      f"{type(validator).__name__}")
    assert checked > 40  # the scan reached the forms
    assert not silent, sorted(set(silent))
