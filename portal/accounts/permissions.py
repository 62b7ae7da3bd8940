"""Who may see and do what. Web and API both ask these functions; nothing else decides.

A report held by another agency is reported as not found, never as forbidden, so staff
cannot learn that it exists.
"""
from __future__ import annotations

import sqlalchemy as sa

from portal.models import Category, Role, Ticket, User

STAFF_ROLES = frozenset(Role)
# Roles that see every report (read-only for the coordinator apart from triage).
OVERSEERS = frozenset({Role.admin, Role.coordinator})
AGENCY_ROLES = frozenset({Role.officer, Role.head})


def _is_agency_staff_of(user: User, ticket: Ticket) -> bool:
    return (user.role in AGENCY_ROLES and user.agency_id is not None
            and ticket.agency_id == user.agency_id)


def can_view(user: User | None, ticket: Ticket) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.role in OVERSEERS:
        return True
    if user.role == Role.inspector:
        return ticket.category == Category.harassment
    if not _is_agency_staff_of(user, ticket):
        return False
    # Harassment is never handled by officers, who may be the accused: the head owns it.
    return ticket.category != Category.harassment or user.role == Role.head


def can_act(user: User | None, ticket: Ticket) -> bool:
    """May work the report in an agency inbox (acknowledge, answer, note, transfer, close)."""
    return can_view(user, ticket) and user.role in AGENCY_ROLES


def can_triage(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role in OVERSEERS


def can_file_for_caller(user: User | None) -> bool:
    return (user is not None and user.is_authenticated
            and user.role in {Role.clerk, Role.coordinator, Role.admin})


def can_moderate(user: User | None) -> bool:
    """May edit the public copy of staff texts (the province's coordinators: never the agency
    that wrote the text)."""
    return user is not None and user.is_authenticated and user.role in OVERSEERS


def can_administer(user: User | None) -> bool:
    """May edit the legal clock (calendar overrides, SLA policy) and other settings."""
    return user is not None and user.is_authenticated and user.role == Role.admin


def can_use_inbox(user: User | None) -> bool:
    return (user is not None and user.is_authenticated
            and user.role in AGENCY_ROLES | OVERSEERS | {Role.inspector})


def identity_visible(user: User | None, ticket: Ticket) -> bool:
    """May this user see who filed the report (name, e-mail, phone, business) without more ado?

    Harassment reports hide the reporter from everyone unless the reporter consented; the
    inspector alone may reveal it, with a reason, and the reporter sees that (DESIGN §6;
    ``can_reveal_identity``, tickets/identity.py).
    """
    if not can_view(user, ticket) or ticket.anonymous:
        return False
    return ticket.category != Category.harassment or ticket.identity_consent


def can_reveal_identity(user: User | None, ticket: Ticket) -> bool:
    """May this user open a hidden identity, by giving a reason (an audited, public event)?"""
    return (can_view(user, ticket) and user.role == Role.inspector and not ticket.anonymous
            and not identity_visible(user, ticket))


def can_download_original(user: User | None, ticket: Ticket) -> bool:
    """Images are served without metadata; the inspectorate may fetch them as uploaded."""
    return can_view(user, ticket) and user.role == Role.inspector


def sees_identity_reveals(user: User | None) -> bool:
    """Agency staff are not told that the inspectorate opened a reporter's identity: the head of
    an accused agency would learn that an investigation has begun."""
    return user is not None and user.role not in AGENCY_ROLES


def attachment_details_visible(user: User | None, ticket: Ticket) -> bool:
    """May this user see the attachments' original file names and sizes?

    File names often name the reporter ("CCCD_Nguyen_Van_A.pdf"), so they follow the identity.
    """
    return identity_visible(user, ticket)


def generic_attachment_name(position: int, content_type: str) -> str:
    """The download name used when the original name is hidden: ``attachment-2.pdf``."""
    ext = _EXTENSIONS.get(content_type, "bin")
    return f"attachment-{position}.{ext}"


_EXTENSIONS = {
    "application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def visible_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL condition matching exactly the reports ``can_view`` allows (for list queries)."""
    if user.role in OVERSEERS:
        return sa.true()
    if user.role == Role.inspector:
        return Ticket.category == Category.harassment
    if user.role in AGENCY_ROLES and user.agency_id is not None:
        own = Ticket.agency_id == user.agency_id
        if user.role == Role.head:
            return own
        return sa.and_(own, Ticket.category != Category.harassment)
    return sa.false()


# --- DDCI-style scores: the analyst computes and publishes, agencies review their own figures,
# the coordinator decides the agencies' flags. Each role does only its own step.

def can_manage_scores(user: User | None) -> bool:
    """May compute drafts and publish rankings (the business association's analyst)."""
    return user is not None and user.is_authenticated and user.role == Role.analyst


def can_review_scores(user: User | None) -> bool:
    """May see the own agency's draft figures and flag the reports behind them."""
    return (user is not None and user.is_authenticated and user.role in AGENCY_ROLES
            and user.agency_id is not None)


def can_review_report(user: User | None, ticket: Ticket, agency_id: int) -> bool:
    """May see (and flag) a report counted for ``agency_id`` in a draft.

    Counted reports may since have moved to another agency, so this follows the agency the
    report is counted for, not the current holder; the harassment rule of ``can_view`` holds.
    """
    return (can_review_scores(user) and user.agency_id == agency_id
            and (ticket.category != Category.harassment or user.role == Role.head))


def can_decide_flags(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role == Role.coordinator
