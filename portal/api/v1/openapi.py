"""The OpenAPI 3.1 document of /api/v1, built from the same field specs the handlers parse."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import jsonify

from portal.api.v1 import bp, schemas
from portal.api.v1.errors import PROBLEM_TYPE, PROBLEMS
from portal.models import Category, Channel, EventKind, Status

STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
STATUS = {"type": "string", "enum": [s.value for s in Status]}
CATEGORY = {"type": "string", "enum": [c.value for c in Category]}
TIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
_PAIRS = {"type": "array", "items": {"type": "array", "items": INT, "minItems": 2, "maxItems": 2},
          "description": "(report id, agency id) pairs."}


def _null(schema: dict) -> dict:
    return {**schema, "type": [schema["type"], "null"]}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _field(field: schemas.Field) -> dict:
    out: dict[str, Any] = {"type": [field.type, "null"] if field.nullable else field.type}
    for key, value in (("enum", list(field.enum) if field.enum else None),
                       ("minimum", field.minimum), ("maximum", field.maximum),
                       ("maxLength", field.max_length), ("description", field.description or None)):
        if value is not None:
            out[key] = value
    return out


def _body(spec: dict[str, schemas.Field]) -> dict:
    return _obj({n: _field(f) for n, f in spec.items()}, [n for n, f in spec.items() if f.required])


def _components() -> dict:
    agency_ref = _obj({"code": STR, "name": STR})
    timeline = {"kind": {"type": "string", "enum": [k.value for k in EventKind]}, "at": TIME,
                "body": _null(STR), "legal_basis": _null(STR), "agency": _null(STR)}
    staff_item = {
        "code": STR, "version": INT, "status": STATUS, "category": CATEGORY,
        "channel": {"type": "string", "enum": [c.value for c in Channel]}, "subject": STR,
        "agency": {"oneOf": [_ref("AgencyRef"), {"type": "null"}]}, "priority": BOOL,
        "received_at": TIME, "ack_due": TIME, "answer_due": TIME, "overdue": BOOL}
    problem = {"type": {"type": "string", "format": "uri"}, "title": STR, "status": INT,
               "detail": STR}
    return {
        "Problem": {**_obj(problem), "description": "RFC 9457 problem details. Types: " + ", ".join(
            f"{slug} ({status})" for slug, (status, _t) in PROBLEMS.items())},
        "ValidationProblem": _obj({**problem, "errors": {"type": "array", "items": _obj(
            {"field": STR, "message": STR})}}),
        "AgencyRef": agency_ref,
        "Submission": _body(schemas.SUBMISSION),
        "Filed": _obj({"code": STR, "receipt": {**STR, "description": "Shown once; keep it."},
                       "status": STR, "agency": {"oneOf": [_ref("AgencyRef"), {"type": "null"}]},
                       "answer_due": TIME}),
        "TimelineItem": _obj(timeline),
        "ReporterView": _obj({
            "code": STR, "status": staff_item["status"], "category": staff_item["category"],
            "subject": STR, "received_at": TIME, "answer_due": TIME, "agency": staff_item["agency"],
            "timeline": {"type": "array", "items": _ref("TimelineItem")},
            "answers": {"type": "array", "items": _obj(
                {"at": TIME, "body": _null(STR), "legal_basis": _null(STR)})},
            "can_reply": BOOL, "can_rate": BOOL, "can_reopen": BOOL}),
        "StaffItem": _obj(staff_item),
        "StaffPage": _obj({"items": {"type": "array", "items": _ref("StaffItem")},
                           "next": {**_null(INT),
                                    "description": "Pass as `after` for the next page."}}),
        "StaffReport": _obj({
            **staff_item, "description": STR, "dossier_number": _null(STR), "locality": _null(STR),
            "anonymous": BOOL, "procedure": {"oneOf": [_ref("AgencyRef"), {"type": "null"}]},
            "reporter": {"oneOf": [_obj({n: _null(STR) for n in (
                "business_name", "contact_name", "contact_email", "contact_phone")}),
                {"type": "null"}], "description": "null unless the user may see who filed it."},
            "can_act": BOOL,
            "attachments": {"type": "array", "items": _obj(
                {"id": INT, "name": STR, "content_type": STR, "size": _null(INT)}),
                "description": "Names and sizes are generic when the reporter is hidden."},
            "timeline": {"type": "array", "items": _obj(
                {**timeline, "public": BOOL, "actor": _null(STR)})}}),
        "Scores": _obj({
            "period": STR, "version": INT, "method_version": STR, "period_start": DATE,
            "period_end": DATE, "published_at": TIME,
            "weights": {"type": "object", "additionalProperties": {"type": "number"}},
            "min_n": INT,
            "agencies": {"type": "array", "items": {
                "type": "object",
                "required": ["agency_id", "code", "group", "n", "composite", "rank"],
                "description": "One agency's figures as computed (indicators with k, n, raw, "
                               "shrunk, score and 95% Wilson low/high; components; composite; "
                               "rank, null when not ranked)."}},
            "input_pairs": _PAIRS, "excluded_pairs": _PAIRS}),
        "AgencyList": _obj({"items": {"type": "array", "items": _obj({
            "id": INT, "code": STR, "name_vi": STR, "name_en": STR, "sector": STR, "group": STR,
            "locality": _null(STR), "hotline": _null(STR), "email": _null(STR),
            "valid_from": STR, "valid_to": _null(STR)})}}),
        "ProcedureList": _obj({"items": {"type": "array", "items": _obj({
            "id": INT, "code": STR, "name_vi": STR, "name_en": STR, "agency": STR,
            "target_value": _null(INT), "target_unit": _null(STR)})}}),
    }


def _problem(description: str, validation: bool = False) -> dict:
    return {"description": description, "content": {PROBLEM_TYPE: {
        "schema": _ref("ValidationProblem" if validation else "Problem")}}}


def _ok(name: str, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _json_body(spec: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": _body(spec)}}}


_CODE = {"name": "code", "in": "path", "required": True, "schema": STR,
         "description": "Tracking code, e.g. PA-2026-000123."}
_RECEIPT = {"name": "X-Receipt", "in": "header", "required": True, "schema": STR,
            "description": "The secret receipt given when the report was filed."}
_JSON_ERRORS = {"400": _problem("Malformed JSON."), "415": _problem("Not JSON."),
                "422": _problem("Invalid fields.", validation=True)}
_LIMITED = {"429": _problem("Rate limited.")}
_STAFF_ERRORS = {"401": {**_problem("Missing, wrong or revoked token."), "headers": {
    "WWW-Authenticate": {"required": True, "schema": {"type": "string"}}}},
                 "404": _problem("No such report, or not visible to this user.")}


def _reporter_action(spec: dict, summary: str) -> dict:
    return {"post": {"summary": summary, "operationId": summary.lower().replace(" ", "_"),
                     "parameters": [_CODE, _RECEIPT], "requestBody": _json_body(spec),
                     "responses": {"200": _ok("ReporterView"), **_JSON_ERRORS, **_LIMITED,
                                   "404": _problem("Unknown code or wrong receipt."),
                                   "409": _problem("Not possible in this status.")}}}


def _staff_action(action: str, spec: dict) -> dict:
    return {"post": {"summary": f"Staff: {action}", "operationId": f"staff_{action}",
                     "security": [{"bearer": []}], "parameters": [_CODE],
                     "requestBody": _json_body(spec),
                     "responses": {"200": _ok("StaffReport"), **_JSON_ERRORS, **_STAFF_ERRORS,
                                   "403": _problem("Visible to this user, who may not act on it."),
                                   "409": _problem("Version conflict or invalid transition.")}}}


def _paths() -> dict:
    from portal.api.v1.reports_staff import ACTIONS

    filing = {"application/json": {"schema": _ref("Submission")},
              "multipart/form-data": {"schema": _obj({
                  "data": {"type": "string", "description": "The Submission as JSON text."},
                  "attachments": {"type": "array", "items": {
                      "type": "string", "contentMediaType": "application/octet-stream"}}},
                  ["data"]), "encoding": {"data": {"contentType": "application/json"}}}}
    staff_query = [
        {"name": "status", "in": "query", "schema": STATUS},
        {"name": "category", "in": "query", "schema": CATEGORY},
        {"name": "overdue", "in": "query", "schema": {"type": "boolean"}},
        {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                    "maximum": schemas.INT_MAX}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100,
                                                    "default": 50}}]
    paths = {
        "/reports": {"post": {
            "summary": "File a report", "operationId": "file_report",
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 200}}],
            "requestBody": {"required": True, "content": filing},
            "responses": {"201": {**_ok("Filed", "Filed; the receipt is shown only here."),
                                  "headers": {"Location": {"required": True, "schema": STR}}},
                          **_JSON_ERRORS, **_LIMITED, "413": _problem("Too large.")}}},
        "/reports/{code}": {"get": {
            "summary": "The reporter's view", "operationId": "get_report",
            "parameters": [_CODE, _RECEIPT],
            "responses": {"200": _ok("ReporterView"), **_LIMITED,
                          "404": _problem("Unknown code or wrong receipt.")}}},
        "/reports/{code}/replies": _reporter_action(schemas.REPLY, "Reply"),
        "/reports/{code}/rating": _reporter_action(schemas.RATING, "Rate the answer"),
        "/reports/{code}/reopen": _reporter_action(schemas.REOPEN, "Reopen"),
        "/staff/reports": {"get": {
            "summary": "Reports visible to the token's user", "operationId": "staff_reports",
            "security": [{"bearer": []}], "parameters": staff_query,
            "responses": {"200": _ok("StaffPage"), "401": _STAFF_ERRORS["401"],
                          "403": _problem("This user has no inbox."),
                          "422": _problem("Invalid filter.", validation=True)}}},
        "/staff/reports/{code}": {"get": {
            "summary": "One report for staff", "operationId": "staff_report",
            "security": [{"bearer": []}], "parameters": [_CODE],
            "responses": {"200": _ok("StaffReport"), **_STAFF_ERRORS}}},
        **{f"/staff/reports/{{code}}/{action}": _staff_action(action, spec)
           for action, (spec, _service) in ACTIONS.items()},
        "/agencies": {"get": {
            "summary": "Agencies", "operationId": "agencies",
            "description": "By default the agencies valid today, the ones a report can be filed "
                           "with; `on` asks for another day or, with `all`, the whole history.",
            "parameters": [{"name": "on", "in": "query", "required": False, "schema": STR,
                            "description": "YYYY-MM-DD or all"}],
            "responses": {"200": _ok("AgencyList"),
                          "422": _problem("Invalid date.", validation=True)}}},
        "/procedures": {"get": {"summary": "Procedures", "operationId": "procedures",
                                "responses": {"200": _ok("ProcedureList")}}},
        "/scores/{period}": {"get": {
            "summary": "Published scores of a period", "operationId": "scores",
            "description": "The latest published version of the period's DDCI-style ranking "
                           "(from feedback data, not the official survey-based DDCI): an "
                           "immutable snapshot with the method version, weights, minimum n, "
                           "every agency's figures and the (report id, agency id) pairs counted.",
            "parameters": [{"name": "period", "in": "path", "required": True, "schema": STR,
                            "description": "2025H1, 2025H2, 2025 or 2025Q3."}],
            "responses": {"200": _ok("Scores"), **_LIMITED,
                          "404": _problem("Not published (or not a period).")}}},
        "/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                                  "responses": {"200": {"description": "OpenAPI 3.1",
                                                        "content": {"application/json": {}}}}}},
    }
    return paths


@lru_cache(maxsize=1)
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Business feedback portal API", "version": "1",
                 "description": "File and follow reports on administrative procedures; agency "
                                "staff work them with a personal API token. Errors are RFC 9457 "
                                "problem details."},
        "servers": [{"url": "/api/v1"}],
        "paths": _paths(),
        "components": {"schemas": _components(), "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "A personal API token (pat_…) from your account page "
                                      "or `flask portal token USERNAME`."}}},
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
