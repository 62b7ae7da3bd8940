"""Rendering Open311 documents as XML or JSON ("Spark convention": list roots become arrays).

A document is plain data: dicts keep their key order (the order the specification lists the
fields), lists become a wrapper element with one child per item, named by ``ITEM_NAMES``.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from flask import Response

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
FORMATS = ("xml", "json")

# The element of one item inside each list element.
ITEM_NAMES = {
    "services": "service", "service_requests": "request", "errors": "error",
    "endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value",
    "service_requests_updates": "request_update",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def to_xml(root: str, document: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, document)
    return (XML_DECLARATION + ET.tostring(element, encoding="unicode")).encode("utf-8")


def to_json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def render(root: str, document: Any, fmt: str, status: int = 200) -> Response:
    """``document`` under the XML element ``root``, or as bare JSON."""
    if fmt == "json":
        return Response(to_json(document), status=status, content_type=JSON_TYPE)
    return Response(to_xml(root, document), status=status, content_type=XML_TYPE)


def errors(pairs: list[tuple[int, str]], fmt: str, status: int) -> Response:
    """The specification's error body: ``<errors><error><code/><description/>``."""
    document = [{"code": code, "description": description} for code, description in pairs]
    return render("errors", document, fmt, status)


def format_of(path: str) -> str:
    """The format a client asked for in a path we could not route (XML unless ``.json``)."""
    return "json" if path.endswith(".json") else "xml"
