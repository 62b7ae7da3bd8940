"""Request fields and response shapes of /api/v1. openapi.py documents exactly these."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.api.v1.errors import Problem
from portal.i18n import _l
from portal.models import Category, Status, Ticket
from portal.tickets.attachments import Upload
from portal.tickets.intake import Submission

INT_MAX = 2_147_483_647  # every id and version is a 32-bit integer column


@dataclass(frozen=True)
class Field:
    type: str  # "string", "integer" or "boolean"
    required: bool = False
    default: Any = None  # used when absent; None with required=True means "must be given"
    nullable: bool = False
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    description: str = ""


def _text(required: bool = False, max_length: int | None = None, description: str = "") -> Field:
    # Service-checked texts default to "" so the service gives the web form's own messages.
    return Field("string", required=required, default="", max_length=max_length,
                 description=description)


_ID = dict(nullable=True, minimum=1, maximum=INT_MAX)
SUBMISSION = {
    "category": Field("string", required=True, default="", enum=tuple(c.value for c in Category),
                      description="What the report is about."),
    "subject": _text(True), "description": _text(True),
    "agency_id": Field("integer", **_ID,
                       description="From GET /api/v1/agencies; null: let the portal route it."),
    "procedure_id": Field("integer", description="From GET /api/v1/procedures.", **_ID),
    "dossier_number": _text(), "locality": _text(), "anonymous": Field("boolean", default=False),
    "business_name": _text(), "contact_name": _text(), "contact_email": _text(),
    "contact_phone": _text(),
    "identity_consent": Field("boolean", default=False, description=(
        "Harassment reports only: the agency concerned may see who filed it.")),
    "language": Field("string", default="vi", enum=("vi", "en")),
}
VERSION = Field("integer", required=True, minimum=0, maximum=INT_MAX,
                description="The report's version as last read (409 when it changed).")
REPLY = {"body": _text(True)}
RATING = {"score": Field("integer", required=True, minimum=1, maximum=5), "comment": _text()}
REOPEN = {"reason": _text(True)}
ANSWER = {"version": VERSION, "body": _text(True), "legal_basis": _text()}
NOTE = {"version": VERSION, "body": _text(True)}
TRANSFER = {"version": VERSION, "reason": _text(True)}
EXTENSION = {"version": VERSION, "reason": _text(True), "apology": _text(True)}
VERSION_ONLY = {"version": VERSION}

_REQUIRED = _l("This field is required.")
_UNKNOWN = _l("This field is not part of the request.")
_TYPE = _l("This field has the wrong type.")
_CHOICE = _l("This value is not one of the allowed values.")
_RANGE = _l("This number is out of range.")
_CHARACTER = _l("This text contains a character that is not allowed.")


def parse(body: dict[str, Any], spec: dict[str, Field]) -> dict[str, Any]:
    """Type-check ``body`` against ``spec``; every problem at once as a 422."""
    errors: list[tuple[str, Any]] = [(name, _UNKNOWN) for name in body if name not in spec]
    values: dict[str, Any] = {}
    for name, field in spec.items():
        if name not in body:
            if field.default is None and field.required:
                errors.append((name, _REQUIRED))
            values[name] = field.default
            continue
        message = _check(body[name], field)
        if message is not None:
            errors.append((name, message))
        values[name] = body[name]
    if errors:
        raise Problem("validation-failed", errors=errors)
    return values


def _check(value: Any, field: Field):
    if value is None:
        return None if field.nullable else _TYPE
    if field.type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return _TYPE
        if (field.minimum is not None and value < field.minimum) or (
                field.maximum is not None and value > field.maximum):
            return _RANGE
    elif field.type == "boolean" and not isinstance(value, bool):
        return _TYPE
    elif field.type == "string":
        if not isinstance(value, str):
            return _TYPE
        if "\x00" in value or not _encodable(value):  # NUL or lone surrogates: no DB takes them
            return _CHARACTER
        if field.enum is not None and value not in field.enum:
            return _CHOICE
    return None


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def to_submission(values: dict[str, Any], uploads: list[Upload]) -> Submission:
    return Submission(**values, channel="api", uploads=uploads)


# --- responses ---------------------------------------------------------------------------

def when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def agency_ref(agency, locale: str) -> dict[str, str] | None:
    return {"code": agency.code, "name": agency.name(locale)} if agency is not None else None


def timeline_item(item, *, staff: bool) -> dict[str, Any]:
    out = {"kind": item.kind.value, "at": when(item.at), "body": item.body,
           "legal_basis": item.legal_basis, "agency": item.agency_name}
    if staff:
        out.update(public=item.public, actor=item.actor_name)
    return out


def reporter_view(ticket: Ticket, timeline, *, locale: str, can_rate: bool,
                  can_reopen: bool) -> dict[str, Any]:
    return {
        "code": ticket.code, "status": ticket.status.value, "category": ticket.category.value,
        "subject": ticket.subject, "received_at": when(ticket.received_at),
        "answer_due": when(ticket.answer_due), "agency": agency_ref(ticket.agency, locale),
        "timeline": [timeline_item(i, staff=False) for i in timeline],
        "answers": [{"at": when(i.at), "body": i.body, "legal_basis": i.legal_basis}
                    for i in timeline if i.kind.value == "answered"],
        "can_reply": ticket.status not in (Status.closed, Status.rejected),
        "can_rate": can_rate, "can_reopen": can_reopen,
    }


def staff_item(ticket: Ticket, *, locale: str, now: datetime) -> dict[str, Any]:
    return {
        "code": ticket.code, "version": ticket.version, "status": ticket.status.value,
        "category": ticket.category.value, "channel": ticket.channel.value,
        "subject": ticket.subject, "agency": agency_ref(ticket.agency, locale),
        "priority": bool(ticket.priority), "received_at": when(ticket.received_at),
        "ack_due": when(ticket.ack_due), "answer_due": when(ticket.answer_due),
        "overdue": ticket.is_overdue(now),
    }


def reporter_identity(ticket: Ticket) -> dict[str, str | None]:
    return {"business_name": ticket.business_name, "contact_name": ticket.contact_name,
            "contact_email": ticket.contact_email, "contact_phone": ticket.contact_phone}
