"""Review and publication of scores: drafts, flags, decisions, immutable snapshots, versions."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal import clock
from portal.errors import InvalidTransition, NotFound, ValidationFailed
from portal.extensions import db
from portal.models import FlagKind, PublishedRanking
from portal.models.scores import ImmutableSnapshotError
from portal.scoring import publish, review
from portal.scoring.compute import compute_period
from portal.scoring.periods import parse_period
from tests import scoring_support as s


@pytest.fixture
def people(directory, make_user):
    return {"analyst": make_user("analyst1", "analyst"),
            "coordinator": make_user("coord1", "coordinator"),
            "officer": make_user("officer1", "officer", s.SXD),
            "head": make_user("head1", "head", s.SXD),
            "other": make_user("officer2", "officer", s.SKHDT)}


@pytest.fixture
def world(app, people):
    return s.scored_world(app.config)


def _flag(draft, ticket, user, kind=FlagKind.misrouted, reason="Thuộc thẩm quyền Sở khác"):
    flag = review.flag_report(db.session, draft, ticket, kind=kind, reason=reason, actor=user,
                              now=clock.now_utc())
    db.session.commit()
    return flag


def _decide(flag, user, accept):
    review.decide_flag(db.session, flag, accept=accept, reason="Đã kiểm tra hồ sơ", actor=user,
                       now=clock.now_utc())
    db.session.commit()


def test_draft_stores_the_figures_and_every_counted_pair(world, people):
    draft = s.compute_draft(people["analyst"])
    sxd = s.figures_of(draft.figures, s.SXD)
    assert sxd["n"] == 13
    pairs = {tuple(p) for p in draft.input_pairs}
    assert {(t.id, sxd["agency_id"]) for t in world.reports[s.SXD]} <= pairs
    assert draft.weights and draft.min_n == 10 and draft.method_version


def test_agency_staff_see_only_their_own_reports_and_officers_no_harassment(world, people):
    draft = s.compute_draft(people["analyst"])
    def visible(user):
        return {r.ticket.id for r in review.counted_reports(db.session, draft, user)}
    officer_ids, head_ids = visible(people["officer"]), visible(people["head"])
    assert officer_ids == {t.id for t in world.reports[s.SXD]}
    assert head_ids == officer_ids | {world.harassment.id}
    other_ids = visible(people["other"])
    assert other_ids == {t.id for t in world.reports[s.SKHDT]}


def test_flags_only_on_own_visible_reports_during_the_window(world, people):
    draft = s.compute_draft(people["analyst"])
    with pytest.raises(NotFound):  # another agency's report
        _flag(draft, world.reports[s.SXD][0], people["other"])
    with pytest.raises(NotFound):  # officers never see harassment reports
        _flag(draft, world.harassment, people["officer"])
    with pytest.raises(ValidationFailed):
        _flag(draft, world.reports[s.SXD][0], people["officer"], reason="   ")
    _flag(draft, world.reports[s.SXD][0], people["officer"])
    with pytest.raises(ValidationFailed):  # one flag per report and agency
        _flag(draft, world.reports[s.SXD][0], people["head"])
    clock.freeze(s.AFTER_REVIEW)
    with pytest.raises(InvalidTransition):
        _flag(draft, world.reports[s.SXD][1], people["officer"])


def test_publication_waits_for_the_window_and_every_decision(world, people):
    draft = s.compute_draft(people["analyst"])
    flag = _flag(draft, world.reports[s.SXD][0], people["officer"])
    with pytest.raises(InvalidTransition):  # the review window is still open
        publish.publish_draft(db.session, draft, actor=people["analyst"], now=s.DRAFT_AT)
    clock.freeze(s.AFTER_REVIEW)
    with pytest.raises(InvalidTransition):  # a flag waits for the coordinator
        publish.publish_draft(db.session, draft, actor=people["analyst"], now=s.AFTER_REVIEW)
    _decide(flag, people["coordinator"], accept=True)
    with pytest.raises(InvalidTransition):  # decided flags stay decided
        _decide(flag, people["coordinator"], accept=False)
    assert s.publish_now(draft, people["analyst"]).version == 1


def test_accepted_flags_are_excluded_and_rejected_ones_are_not(world, people):
    draft = s.compute_draft(people["analyst"])
    misrouted, duplicate = world.reports[s.SXD][0], world.reports[s.SXD][1]
    _decide(_flag(draft, misrouted, people["officer"]), people["coordinator"], accept=True)
    _decide(_flag(draft, duplicate, people["head"], kind=FlagKind.duplicate),
            people["coordinator"], accept=False)
    ranking = s.publish_now(draft, people["analyst"])
    sxd_id = s.figures_of(ranking.figures, s.SXD)["agency_id"]
    assert ranking.excluded_pairs == [[misrouted.id, sxd_id]]
    assert [misrouted.id, sxd_id] not in ranking.input_pairs
    assert [duplicate.id, sxd_id] in ranking.input_pairs
    assert s.figures_of(ranking.figures, s.SXD)["n"] == 12
    assert s.figures_of(ranking.figures, s.SKHDT)["n"] == 11
    assert ranking.weights == draft.weights and ranking.min_n == draft.min_n
    assert {r["ticket_id"] for r in ranking.inputs} == {p[0] for p in ranking.input_pairs}


def test_published_snapshot_is_immutable_and_ignores_later_data(app, world, people):
    ranking = s.publish_now(s.compute_draft(people["analyst"]), people["analyst"])
    frozen = (ranking.figures, ranking.input_pairs, ranking.inputs)
    s.file_reports(app.config, s.SKHDT, 4, start=s.RECEIVED)  # late entries for the period
    later = compute_period(db.session, parse_period(s.PERIOD))
    assert s.figures_of(later.to_dict(), s.SKHDT)["n"] == 15
    db.session.expire_all()
    again = db.session.get(PublishedRanking, ranking.id)
    assert (again.figures, again.input_pairs, again.inputs) == frozen
    again.min_n = 3
    with pytest.raises(ImmutableSnapshotError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(PublishedRanking, ranking.id))
    with pytest.raises(ImmutableSnapshotError):
        db.session.flush()
    db.session.rollback()


def test_publishing_a_period_again_makes_a_new_version(world, people):
    first_draft = s.compute_draft(people["analyst"])
    first = s.publish_now(first_draft, people["analyst"])
    with pytest.raises(InvalidTransition):  # a draft is published once
        publish.publish_draft(db.session, first_draft, actor=people["analyst"], now=s.AFTER_REVIEW)
    db.session.rollback()
    second_draft = s.compute_draft(people["analyst"], at=s.AFTER_REVIEW,
                                   review_ends=s.AFTER_REVIEW.date())
    second = s.publish_now(second_draft, people["analyst"], at=s.AFTER_REVIEW.replace(day=22))
    assert (first.version, second.version) == (1, 2)
    assert publish.published(db.session, s.PERIOD).id == second.id
    assert publish.published(db.session, s.PERIOD, 1).id == first.id


def test_a_newer_draft_supersedes_the_older_one(world, people):
    old = s.compute_draft(people["analyst"])
    s.compute_draft(people["analyst"])
    with pytest.raises(InvalidTransition):
        _flag(old, world.reports[s.SXD][0], people["officer"])
    clock.freeze(s.AFTER_REVIEW)
    with pytest.raises(InvalidTransition):
        publish.publish_draft(db.session, old, actor=people["analyst"], now=s.AFTER_REVIEW)


def test_review_end_in_the_past_is_refused(world, people):
    clock.freeze(s.DRAFT_AT)
    with pytest.raises(ValidationFailed):
        review.compute_draft(db.session, parse_period(s.PERIOD), review_ends=s.RECEIVED.date(),
                             actor=people["analyst"], now=s.DRAFT_AT)


def test_every_step_is_audited(world, people):
    from portal.models import AuditEntry
    draft = s.compute_draft(people["analyst"])
    accepted = _flag(draft, world.reports[s.SXD][0], people["officer"])
    rejected = _flag(draft, world.reports[s.SXD][1], people["head"], kind=FlagKind.duplicate)
    _decide(accepted, people["coordinator"], accept=True)
    _decide(rejected, people["coordinator"], accept=False)
    s.publish_now(draft, people["analyst"])
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.like("scores.%"))
                                 .order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor.username) for e in entries] == [
        ("scores.draft_computed", "analyst1"), ("scores.flag_raised", "officer1"),
        ("scores.flag_raised", "head1"), ("scores.flag_accepted", "coord1"),
        ("scores.flag_rejected", "coord1"), ("scores.published", "analyst1")]
    assert entries[1].ticket_id == world.reports[s.SXD][0].id
    assert all(e.subject == s.PERIOD for e in entries)
    assert entries[-1].detail["excluded"] == 1 and entries[-1].detail["version"] == 1
