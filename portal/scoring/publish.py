"""Publishing a reviewed draft as an immutable ranking, and reading published rankings.

Publishing recomputes the period with the draft's weights and minimum n, leaving out the
report-agency pairs whose flags the coordinator accepted, and freezes the figures together with
the method version and every input's ids. Recomputing the period later never touches it.
Publishing the same period again (from a newer draft, e.g. after a late correction) creates the
next version; earlier versions stay readable and the public pages show the latest one.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal import audit
from portal.deadlines.working_days import local_day
from portal.errors import InvalidTransition
from portal.i18n import _l
from portal.models import FlagDecision, PublishedRanking, ScoreDraft, User
from portal.scoring import review
from portal.scoring.compute import compute_period
from portal.scoring.inputs import input_rows
from portal.scoring.method import METHOD_VERSION
from portal.scoring.periods import parse_period
from portal.scoring.settings import ScoringSettings


def publish_draft(session: Session, draft: ScoreDraft, *, actor: User,
                  now: datetime) -> PublishedRanking:
    """Publish ``draft`` as the next version of its period.

    :raises InvalidTransition: the draft is superseded or published, its review has not ended,
        flags wait for a decision, or the method changed since it was computed.
    """
    _check_publishable(session, draft, now)
    period = parse_period(draft.period)
    exclude = frozenset((f.ticket_id, f.agency_id) for f in draft.flags
                        if f.decision == FlagDecision.accepted)
    settings = ScoringSettings(weights=dict(draft.weights), min_n=draft.min_n)
    # One moment for the figures and their inputs: open reports are judged as of publication.
    scores = compute_period(session, period, settings=settings, exclude=exclude, as_of=now)
    ranking = PublishedRanking(
        period=period.code, version=_next_version(session, period.code),
        period_start=period.start, period_end=period.end, method_version=scores.method_version,
        weights=dict(draft.weights), min_n=draft.min_n, figures=scores.to_dict(),
        input_pairs=[[t, a] for t, a in scores.input_pairs],
        inputs=list(input_rows(session, period, exclude=exclude, as_of=now)),
        excluded_pairs=sorted([t, a] for t, a in exclude), draft_id=draft.id,
        published_at=now, published_by_id=actor.id)
    session.add(ranking)
    draft.published_at = now
    session.flush()
    audit.record(session, actor=actor, action="scores.published", subject=period.code,
                 detail={"draft": draft.id, "ranking": ranking.id, "version": ranking.version,
                         "pairs": len(ranking.input_pairs), "excluded": len(exclude)}, at=now)
    return ranking


def _check_publishable(session: Session, draft: ScoreDraft, now: datetime) -> None:
    if not review.is_current(session, draft):
        raise InvalidTransition(
            _l("Only the latest unpublished draft of a period can be published."))
    if local_day(now) <= draft.review_ends:
        raise InvalidTransition(_l("The agencies' review runs until %(day)s.",
                                   day=draft.review_ends.isoformat()))
    if any(f.decision == FlagDecision.pending for f in draft.flags):
        raise InvalidTransition(_l("The coordinator has not decided every flag yet."))
    if draft.method_version != METHOD_VERSION:
        raise InvalidTransition(_l("The method changed since this draft; compute a new draft."))


def _next_version(session: Session, period_code: str) -> int:
    current = session.scalar(sa.select(sa.func.max(PublishedRanking.version))
                             .where(PublishedRanking.period == period_code))
    return (current or 0) + 1


# --- reading -------------------------------------------------------------------------------

def published(session: Session, period_code: str, version: int | None = None
              ) -> PublishedRanking | None:
    """The given version of a period, by default its latest."""
    query = sa.select(PublishedRanking).where(PublishedRanking.period == period_code)
    if version is not None:
        query = query.where(PublishedRanking.version == version)
    return session.scalar(query.order_by(PublishedRanking.version.desc()).limit(1))


def latest_versions(session: Session) -> list[PublishedRanking]:
    """Each published period's latest version, the most recent period first."""
    latest = (sa.select(PublishedRanking.period,
                        sa.func.max(PublishedRanking.version).label("version"))
              .group_by(PublishedRanking.period).subquery())
    return list(session.scalars(
        sa.select(PublishedRanking).join(latest, sa.and_(
            PublishedRanking.period == latest.c.period,
            PublishedRanking.version == latest.c.version))
        .order_by(PublishedRanking.period_end.desc(), PublishedRanking.period_start)))


def latest(session: Session) -> PublishedRanking | None:
    rankings = latest_versions(session)
    return rankings[0] if rankings else None


def previous(session: Session, ranking: PublishedRanking) -> PublishedRanking | None:
    """The latest version of the period before ``ranking``'s (same kind: H1 → previous H2)."""
    return published(session, parse_period(ranking.period).previous().code)


def versions(session: Session, period_code: str) -> Iterable[PublishedRanking]:
    return session.scalars(sa.select(PublishedRanking).where(PublishedRanking.period == period_code)
                           .order_by(PublishedRanking.version))
