"""Open311 documents built from categories and public records, fields in the specification's order."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portal.clock import LOCAL_TZ
from portal.i18n import _l
from portal.models.vocab import CATEGORY_LABELS, Category
from portal.tickets.public_records import PublicRecord, PublicUpdate

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Bump when the discovery document or the profile changes (a sortable timestamp).
CHANGESET = "2026-11-27T00:00:00+07:00"

SERVICE_DESCRIPTIONS = {
    Category.delay: _l("A dossier or procedure takes longer than the legal time limit."),
    Category.harassment: _l("An official asks for money, gifts or papers the law does not require."),
    Category.unclear_procedure: _l("Requirements differ from the published procedure or from "
                                   "one office to another."),
    Category.policy: _l("The rule itself is a burden for businesses and should change."),
    Category.other: _l("Any other problem with an administrative procedure."),
}
SERVICE_KEYWORDS = {
    Category.delay: _l("delay,late,overdue,dossier"),
    Category.harassment: _l("harassment,bribe,extra fees,integrity"),
    Category.unclear_procedure: _l("unclear,requirements,documents,inconsistent"),
    Category.policy: _l("policy,regulation,rule"),
    Category.other: _l("other"),
}
GROUP_PROCEDURES = _l("Administrative procedures")
GROUP_INTEGRITY = _l("Integrity of public officials")


def w3c(moment: datetime | None) -> str | None:
    """W3C date-time with the province's offset, e.g. ``2026-03-02T09:30:00+07:00``."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # stored as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="seconds")


def discovery(url: str, contact: str, key_service: str, max_requests: int) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": key_service,
        "max_requests": max_requests,  # FixMyStreet's addition
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": url,
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }


def service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.value,
        "service_name": str(CATEGORY_LABELS[category]),
        "description": str(SERVICE_DESCRIPTIONS[category]),
        "metadata": False,
        "type": "realtime",
        "keywords": str(SERVICE_KEYWORDS[category]),
        "group": str(GROUP_INTEGRITY if category == Category.harassment else GROUP_PROCEDURES),
    }


def services() -> list[dict[str, Any]]:
    return [service(category) for category in Category]


def service_definition(category: Category) -> dict[str, Any]:
    # metadata is false for every service: no extra attributes to ask for.
    return {"service_code": category.value, "attributes": []}


def request_record(record: PublicRecord, locale: str) -> dict[str, Any]:
    """One ``<request>`` of GET requests; never the reporter's identity (see public_records)."""
    return {
        "service_request_id": record.code,
        "status": "closed" if record.closed else "open",
        "status_notes": record.status_notes,
        "service_name": str(CATEGORY_LABELS[record.category]),
        "service_code": record.category.value,
        "description": record.description,
        "agency_responsible": record.agency.name(locale) if record.agency else None,
        "service_notice": None,
        "requested_datetime": w3c(record.requested_at),
        "updated_datetime": w3c(record.updated_at),
        "expected_datetime": w3c(record.expected_at),
        "address": record.locality,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def created(code: str, notice: str) -> dict[str, Any]:
    """The POST requests response: an id (we are realtime, never a token) and a notice."""
    return {"service_request_id": code, "service_notice": notice, "account_id": None}


def update(item: PublicUpdate, label: str) -> dict[str, Any]:
    """One mySociety ``<request_update>``; ``label`` describes the status when staff wrote nothing."""
    return {
        "update_id": str(item.id),
        "service_request_id": item.code,
        "status": "closed" if item.closed else "open",
        "updated_datetime": w3c(item.at),
        "description": item.body or label,
        "media_url": None,
    }
