"""Filing a report: validation, routing by procedure, tracking code, clock, history."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

from portal.deadlines.working_days import deadline, local_day
from portal.directory import lookup
from portal.extensions import db
from portal.i18n import _l
from portal.models import (Agency, Category, Channel, EventKind, Procedure, Status, Ticket,
                           User)
from portal.models.ticket import DESCRIPTION_MAX, SUBJECT_MAX
from portal.errors import ValidationFailed
from portal.deadlines import settings
from portal.notifications import outbox
from portal.routing import priority, triage
from portal.tickets import attachments, events, holds, tracking

_PHONE = re.compile(r"^\+?[0-9 .()-]{8,20}$")


@dataclass(frozen=True)
class Submission:
    """What a reporter (or a clerk for a caller) files; built by the web form, API or CLI."""
    category: str
    subject: str
    description: str
    channel: str = Channel.web
    agency_id: int | None = None
    procedure_id: int | None = None
    dossier_number: str = ""
    locality: str = ""
    anonymous: bool = False
    business_name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    identity_consent: bool = False
    language: str = "vi"
    uploads: list[attachments.Upload] = field(default_factory=list)


@dataclass(frozen=True)
class Filed:
    ticket: Ticket
    receipt: str  # shown once, never stored


def submit_ticket(data: Submission, *, filed_by: User | None, now: datetime,
                  config: Mapping[str, Any]) -> Filed:
    """Create a report with its code, receipt, deadlines and first events. Flushes.

    :raises ValidationFailed: with (field, message) pairs for the form or API.
    """
    agency, procedure = _validate(data, config)
    if procedure is not None:
        agency = _holder_on(agency, local_day(now))
    decision = None
    if agency is None and config["ROUTING_ENABLED"]:
        decision = triage.route_new_report(data.subject, data.description, data.locality,
                                           now=now, config=config)
        if decision is not None and decision.agency is not None and config["ROUTING_AUTO_ASSIGN"]:
            agency = decision.agency
    policy, calendar = settings.policy_for(Category(data.category)), settings.work_calendar()
    receipt = tracking.new_receipt()
    ticket = Ticket(
        code=tracking.next_code(local_day(now).year), receipt_hash=tracking.hash_receipt(
            receipt, config["RECEIPT_KEY"]),
        category=Category(data.category), channel=Channel(data.channel),
        status=Status.assigned if agency else Status.new, agency=agency, procedure=procedure,
        dossier_number=data.dossier_number.strip() or None, subject=data.subject.strip(),
        description=data.description.strip(), locality=data.locality.strip() or None,
        language=data.language, filed_by_id=filed_by.id if filed_by else None,
        received_at=now, updated_at=now,
        priority=priority.is_priority(f"{data.subject}\n{data.description}"),
        ack_due=deadline(now, policy.ack_days, calendar),
        answer_due=deadline(now, policy.answer_days, calendar),
        **_identity(data))
    db.session.add(ticket)
    db.session.flush()
    for upload in data.uploads:
        attachments.store(ticket, upload, folder=config["UPLOAD_FOLDER"], now=now)
    events.record(ticket, EventKind.filed, now, filed_by, public=True)
    if decision is not None:
        triage.record_suggestion(ticket, decision, auto_assigned=agency is not None, now=now)
    if agency is not None:
        events.record(ticket, EventKind.assigned, now, filed_by, public=True, to_agency=agency)
        holds.open_segment(ticket, agency, now=now, policy=policy, calendar=calendar, first=True)
    outbox.notify_reporter(ticket, "received", now=now)
    db.session.flush()
    return Filed(ticket, receipt)


def _holder_on(agency: Agency, day: date) -> Agency | None:
    """A procedure's agency, or the one successor doing its work on ``day`` (None: route it)."""
    found = lookup.current_successors(agency, day)
    return found[0] if len(found) == 1 else None


def _identity(data: Submission) -> dict[str, Any]:
    """Anonymous reports keep no contact details at all."""
    if data.anonymous:
        return {"anonymous": True, "identity_consent": False}
    return {"anonymous": False, "identity_consent": data.identity_consent,
            "business_name": data.business_name.strip() or None,
            "contact_name": data.contact_name.strip() or None,
            "contact_email": data.contact_email.strip().lower() or None,
            "contact_phone": data.contact_phone.strip() or None}


def _validate(data: Submission, config: Mapping[str, Any]) -> tuple[Agency | None, Procedure | None]:
    errors = _text_errors(data) + _contact_errors(data) + attachments.validate(
        data.uploads, max_count=config["MAX_ATTACHMENTS"], max_bytes=config["MAX_ATTACHMENT_BYTES"])
    agency = db.session.get(Agency, data.agency_id) if data.agency_id else None
    procedure = db.session.get(Procedure, data.procedure_id) if data.procedure_id else None
    if data.agency_id and agency is None:
        errors.append(("agency_id", _l("Choose an agency from the list.")))
    if data.procedure_id and procedure is None:
        errors.append(("procedure_id", _l("Choose a procedure from the list.")))
    if errors:
        raise ValidationFailed(errors)
    # DESIGN §5.1: when the reporter names a procedure, its agency owns the report.
    if procedure is not None:
        agency = procedure.agency
    return agency, procedure


def _text_errors(data: Submission) -> list[tuple[str, str]]:
    errors = []
    if data.category not in Category.__members__:
        errors.append(("category", _l("Choose what the report is about.")))
    if data.channel not in Channel.__members__:
        errors.append(("channel", _l("Choose the channel the report came through.")))
    subject, description = data.subject.strip(), data.description.strip()
    if not subject:
        errors.append(("subject", _l("Enter a short subject.")))
    elif len(subject) > SUBJECT_MAX:
        errors.append(("subject", _l("The subject must be at most %(n)d characters.", n=SUBJECT_MAX)))
    if not description:
        errors.append(("description", _l("Describe what happened.")))
    elif len(description) > DESCRIPTION_MAX:
        errors.append(("description", _l("The description must be at most %(n)d characters.",
                                         n=DESCRIPTION_MAX)))
    if len(data.dossier_number) > 60:
        errors.append(("dossier_number", _l("The dossier number must be at most 60 characters.")))
    if len(data.locality.strip()) > 120:  # the column's size; the web form checks it too
        errors.append(("locality", _l("This field must be at most %(n)d characters.", n=120)))
    return errors


def _contact_errors(data: Submission) -> list[tuple[str, str]]:
    if data.anonymous:
        return []
    errors = []
    if data.contact_email.strip():
        try:
            validate_email(data.contact_email.strip(), check_deliverability=False)
        except EmailNotValidError:
            errors.append(("contact_email", _l("Enter a valid e-mail address, or leave it empty.")))
    if data.contact_phone.strip() and not _PHONE.match(data.contact_phone.strip()):
        errors.append(("contact_phone", _l("Enter a valid phone number, or leave it empty.")))
    for name, limit in (("contact_name", 120), ("business_name", 200)):
        if len(getattr(data, name).strip()) > limit:
            errors.append((name, _l("This field must be at most %(n)d characters.", n=limit)))
    return errors
