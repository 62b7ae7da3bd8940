"""Agency staff with a bearer token: the user's visible reports and the inbox actions.

The token acts as its user: the same permission functions as the web decide everything, and a
report the user may not see is "not found", never "forbidden".
"""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import get_locale

from portal import clock
from portal.accounts import permissions
from portal.api.v1 import bp, schemas
from portal.api.v1.common import bearer_user, commit_and_send, json_object
from portal.api.v1.errors import Problem
from portal.extensions import db
from portal.i18n import _l
from portal.models import Category, Status, Ticket, User
from portal.tickets import history, queries, workflow

PAGE_MAX = 100
_CHOICE = _l("This value is not one of the allowed values.")
_NUMBER = _l("This number is out of range.")

# action -> (request fields, service call)
ACTIONS = {
    "acknowledge": (schemas.VERSION_ONLY, lambda t, v, **kw: workflow.acknowledge(t, **kw)),
    "answer": (schemas.ANSWER, lambda t, v, **kw: workflow.answer(
        t, v["body"], v["legal_basis"], **kw)),
    "notes": (schemas.NOTE, lambda t, v, **kw: workflow.add_note(t, v["body"], **kw)),
    "transfer": (schemas.TRANSFER, lambda t, v, **kw: workflow.transfer(t, v["reason"], **kw)),
    "extension": (schemas.EXTENSION, lambda t, v, **kw: workflow.extend(
        t, v["reason"], v["apology"], **kw)),
    "close": (schemas.VERSION_ONLY, lambda t, v, **kw: workflow.close(t, **kw)),
}


def _int_arg(name: str, default: int | None, low: int, high: int, errors: list) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not low <= int(raw) <= high:
        errors.append((name, _NUMBER))
        return default
    return int(raw)


def _choice_arg(name: str, allowed, errors: list) -> str:
    raw = request.args.get(name, "")
    if raw and raw not in allowed:
        errors.append((name, _CHOICE))
        return ""
    return raw


@bp.get("/staff/reports")
def staff_reports():
    user = bearer_user()
    if not permissions.can_use_inbox(user):
        raise Problem("forbidden")
    errors: list = []
    flt = queries.InboxFilter(
        status=_choice_arg("status", {s.value for s in Status}, errors),
        category=_choice_arg("category", {c.value for c in Category}, errors),
        overdue=_choice_arg("overdue", {"true", "false"}, errors) == "true")
    after = _int_arg("after", None, 1, schemas.INT_MAX, errors)
    size = _int_arg("limit", 50, 1, PAGE_MAX, errors)
    if errors:
        raise Problem("validation-failed", errors=errors)
    now, locale = clock.now_utc(), str(get_locale())
    page = queries.inbox_newest_first(user, flt, now=now, size=size, after=after)
    payload = {"items": [schemas.staff_item(t, locale=locale, now=now) for t in page.items],
               "next": page.next_after}
    db.session.commit()  # the token's last use
    return jsonify(payload)


def _visible(user: User, code: str) -> Ticket:
    ticket = queries.by_code(code)
    if ticket is None or not permissions.can_view(user, ticket):
        raise Problem("not-found")
    return ticket


def _detail(user: User, ticket: Ticket) -> dict:
    now, locale = clock.now_utc(), str(get_locale())
    show_identity = permissions.identity_visible(user, ticket)
    return dict(
        schemas.staff_item(ticket, locale=locale, now=now),
        description=ticket.description, dossier_number=ticket.dossier_number,
        locality=ticket.locality, anonymous=bool(ticket.anonymous),
        procedure=({"code": ticket.procedure.code, "name": ticket.procedure.name(locale)}
                   if ticket.procedure is not None else None),
        reporter=schemas.reporter_identity(ticket) if show_identity else None,
        can_act=permissions.can_act(user, ticket),
        attachments=_attachments(user, ticket),
        timeline=[schemas.timeline_item(i, staff=True)
                  for i in history.for_staff(
                      ticket, locale, with_reveals=permissions.sees_identity_reveals(user))])


def _attachments(user: User, ticket: Ticket) -> list[dict]:
    # File names often name the reporter: they follow the identity, as on the inbox page.
    details = permissions.attachment_details_visible(user, ticket)
    return [{"id": a.id, "content_type": a.content_type,
             "name": a.original_name if details else permissions.generic_attachment_name(
                 position, a.content_type),
             "size": a.size if details else None}
            for position, a in enumerate(ticket.attachments, start=1)]


@bp.get("/staff/reports/<code>")
def staff_report(code: str):
    user = bearer_user()
    payload = _detail(user, _visible(user, code))
    db.session.commit()
    return jsonify(payload)


@bp.post("/staff/reports/<code>/<any(acknowledge,answer,notes,transfer,extension,close):action>")
def staff_act(code: str, action: str):
    user = bearer_user()
    ticket = _visible(user, code)
    if not permissions.can_act(user, ticket):  # may read it (inspector, coordinator), not work it
        raise Problem("forbidden")
    fields, service = ACTIONS[action]
    values = schemas.parse(json_object(), fields)
    service(ticket, values, actor=user, now=clock.now_utc(), expected_version=values["version"])
    return commit_and_send(_detail(user, ticket))
