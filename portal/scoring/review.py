"""Drafts under review: the analyst computes a period, each agency checks the reports counted
against it and flags misrouted or duplicate ones, and the coordinator decides each flag.

A period may have several drafts; only the latest unpublished one is under review (computing
again starts a fresh review, e.g. after the analyst changed the weights).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal import audit
from portal.accounts import permissions
from portal.deadlines.working_days import local_day
from portal.errors import InvalidTransition, NotFound, ValidationFailed
from portal.i18n import _l
from portal.models import FlagDecision, FlagKind, ReviewFlag, ScoreDraft, Ticket, User
from portal.scoring.compute import compute_period
from portal.scoring.periods import Period
from portal.scoring.settings import load_settings

REASON_MAX = 2000


def compute_draft(session: Session, period: Period, *, review_ends: date, actor: User,
                  now: datetime) -> ScoreDraft:
    """Compute ``period`` with the current settings and open it for review until ``review_ends``."""
    if review_ends < local_day(now):
        raise ValidationFailed([("review_ends", _l("The review must end today or later."))])
    settings = load_settings(session)
    scores = compute_period(session, period, settings=settings, as_of=now)
    draft = ScoreDraft(period=period.code, method_version=scores.method_version,
                       weights=dict(settings.weights), min_n=settings.min_n,
                       figures=scores.to_dict(),
                       input_pairs=[[t, a] for t, a in scores.input_pairs],
                       review_ends=review_ends, created_at=now, created_by_id=actor.id)
    session.add(draft)
    session.flush()
    audit.record(session, actor=actor, action="scores.draft_computed", subject=period.code,
                 detail={"draft": draft.id, "review_ends": review_ends.isoformat(),
                         "method_version": draft.method_version, "pairs": len(draft.input_pairs)},
                 at=now)
    return draft


def latest_draft(session: Session, period_code: str) -> ScoreDraft | None:
    return session.scalar(sa.select(ScoreDraft).where(ScoreDraft.period == period_code)
                          .order_by(ScoreDraft.id.desc()).limit(1))


def is_current(session: Session, draft: ScoreDraft) -> bool:
    """The latest draft of its period, not yet published."""
    return draft.published_at is None and latest_draft(session, draft.period) is draft


def drafts(session: Session) -> list[ScoreDraft]:
    """Every period's latest draft, newest first."""
    latest = (sa.select(sa.func.max(ScoreDraft.id)).group_by(ScoreDraft.period)).scalar_subquery()
    return list(session.scalars(sa.select(ScoreDraft).where(ScoreDraft.id.in_(latest))
                                .order_by(ScoreDraft.id.desc())))


def in_review(session: Session, *, today: date) -> list[ScoreDraft]:
    """Drafts agencies may see: current ones whose window has not ended."""
    return [d for d in drafts(session) if d.published_at is None and today <= d.review_ends]


def agency_figures(figures: dict[str, Any], agency_id: int) -> dict[str, Any] | None:
    return next((a for a in figures["agencies"] if a["agency_id"] == agency_id), None)


@dataclass(frozen=True)
class CountedReport:
    ticket: Ticket
    flag: ReviewFlag | None


def counted_reports(session: Session, draft: ScoreDraft, user: User) -> list[CountedReport]:
    """The reports counted for the user's agency that the user may see, with any flag on them."""
    ids = [t for t, a in draft.input_pairs if a == user.agency_id]
    if not ids:
        return []
    tickets = session.scalars(sa.select(Ticket).where(Ticket.id.in_(ids)).order_by(Ticket.id))
    flags = {f.ticket_id: f for f in draft.flags if f.agency_id == user.agency_id}
    return [CountedReport(t, flags.get(t.id)) for t in tickets
            if permissions.can_review_report(user, t, user.agency_id)]


def flag_report(session: Session, draft: ScoreDraft, ticket: Ticket, *, kind: FlagKind,
                reason: str, actor: User, now: datetime) -> ReviewFlag:
    """Flag a report counted for the actor's agency.

    :raises NotFound: the report is not counted for the actor's agency or not visible to them.
    :raises InvalidTransition: the draft is no longer under review.
    """
    agency_id = actor.agency_id
    if ([ticket.id, agency_id] not in draft.input_pairs
            or not permissions.can_review_report(actor, ticket, agency_id)):
        raise NotFound(_l("This report is not counted for your agency in this draft."))
    if not is_current(session, draft) or local_day(now) > draft.review_ends:
        raise InvalidTransition(_l("The review of this draft has ended."))
    errors = _reason_errors(reason)
    if any(f.ticket_id == ticket.id and f.agency_id == agency_id for f in draft.flags):
        errors.append(("reason", _l("This report is already flagged.")))
    if errors:
        raise ValidationFailed(errors)
    flag = ReviewFlag(draft=draft, ticket_id=ticket.id, agency_id=agency_id, kind=FlagKind(kind),
                      reason=reason.strip(), flagged_by_id=actor.id, flagged_at=now,
                      decision=FlagDecision.pending)
    session.add(flag)
    session.flush()
    audit.record(session, actor=actor, action="scores.flag_raised", ticket=ticket,
                 subject=draft.period, detail={"draft": draft.id, "flag": flag.id,
                                               "kind": flag.kind.value}, at=now)
    return flag


def decide_flag(session: Session, flag: ReviewFlag, *, accept: bool, reason: str, actor: User,
                now: datetime) -> ReviewFlag:
    """Accept (the report leaves the agency's inputs at publication) or reject a pending flag."""
    if flag.decision != FlagDecision.pending or flag.draft.published_at is not None:
        raise InvalidTransition(_l("This flag has already been decided."))
    if errors := _reason_errors(reason):
        raise ValidationFailed(errors)
    flag.decision = FlagDecision.accepted if accept else FlagDecision.rejected
    flag.decision_reason, flag.decided_by_id, flag.decided_at = reason.strip(), actor.id, now
    session.flush()
    audit.record(session, actor=actor, action=f"scores.flag_{flag.decision.value}",
                 ticket=flag.ticket, subject=flag.draft.period,
                 detail={"draft": flag.draft_id, "flag": flag.id}, at=now)
    return flag


def pending_flags(session: Session) -> list[ReviewFlag]:
    return list(session.scalars(sa.select(ReviewFlag).join(ScoreDraft)
                                .where(ReviewFlag.decision == FlagDecision.pending,
                                       ScoreDraft.published_at.is_(None))
                                .order_by(ReviewFlag.id)))


def decided_flags(session: Session, limit: int = 50) -> list[ReviewFlag]:
    return list(session.scalars(sa.select(ReviewFlag)
                                .where(ReviewFlag.decision != FlagDecision.pending)
                                .order_by(ReviewFlag.decided_at.desc()).limit(limit)))


def _reason_errors(reason: str | None) -> list[tuple[str, Any]]:
    text = (reason or "").strip()
    if not text:
        return [("reason", _l("Give a reason."))]
    if len(text) > REASON_MAX:
        return [("reason", _l("The text must be at most %(max)d characters.", max=REASON_MAX))]
    return []
