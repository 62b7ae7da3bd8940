"""Staff pages of the scores: the analyst computes and publishes (/scores/admin), agency staff
review their own draft figures (/scores/review), the coordinator decides flags (/scores/flags)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import clock
from portal.accounts import permissions
from portal.deadlines.working_days import local_day
from portal.errors import NotFound, PortalError, ValidationFailed
from portal.extensions import db
from portal.i18n import _
from portal.models import ReviewFlag, ScoreDraft
from portal.scoring import publish, review
from portal.scoring.periods import parse_period
from portal.tickets import queries
from portal.web.score_review.forms import DecisionForm, DraftForm, FlagForm, PublishForm
from portal.web.staff import require

bp = Blueprint("score_review", __name__, url_prefix="/scores")


def _run(service, redirect_to: str):
    """Call a service, commit and flash; domain errors become flashes, NotFound a 404."""
    try:
        service()
    except NotFound:
        db.session.rollback()
        abort(404)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(" ".join(str(m) for _f, m in exc.errors), "error")
    except PortalError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for(redirect_to))


@bp.route("/admin")
@require(permissions.can_manage_scores)
def admin():
    drafts = review.drafts(db.session)
    return render_template("score_review/admin.html", form=DraftForm(), drafts=drafts,
                           publish_form=PublishForm(), rankings=publish.latest_versions(db.session),
                           current={d.id for d in drafts if d.published_at is None})


@bp.route("/admin/drafts", methods=["POST"])
@require(permissions.can_manage_scores)
def compute_draft():
    form = DraftForm()
    if not form.validate_on_submit():
        flash(" ".join(form.all_errors), "error")
        return redirect(url_for("score_review.admin"))
    try:
        period = parse_period(form.period.data.strip())
    except ValueError:
        flash(_("Enter the period, e.g. 2025H1."), "error")
        return redirect(url_for("score_review.admin"))
    return _run(lambda: review.compute_draft(
        db.session, period, review_ends=form.review_ends.data, actor=current_user,
        now=clock.now_utc()), "score_review.admin")


@bp.route("/admin/drafts/<int:draft_id>/publish", methods=["POST"])
@require(permissions.can_manage_scores)
def publish_draft(draft_id: int):
    draft = db.get_or_404(ScoreDraft, draft_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    return _run(lambda: publish.publish_draft(db.session, draft, actor=current_user,
                                              now=clock.now_utc()), "score_review.admin")


@bp.route("/review")
@require(permissions.can_review_scores)
def agency_review():
    drafts = review.in_review(db.session, today=local_day(clock.now_utc()))
    sections = [(d, review.agency_figures(d.figures, current_user.agency_id),
                 [(r, FlagForm(formdata=None, prefix=f"f{d.id}-{r.ticket.id}"))
                  for r in review.counted_reports(db.session, d, current_user)])
                for d in drafts]
    return render_template("score_review/review.html", sections=sections)


@bp.route("/review/<int:draft_id>/<code>/flag", methods=["POST"])
@require(permissions.can_review_scores)
def flag_report(draft_id: int, code: str):
    draft = db.get_or_404(ScoreDraft, draft_id)
    ticket = queries.by_code(code)
    if ticket is None or not permissions.can_review_report(current_user, ticket,
                                                           current_user.agency_id):
        abort(404)
    form = FlagForm(prefix=f"f{draft.id}-{ticket.id}")
    if not form.validate_on_submit():
        flash(" ".join(form.all_errors), "error")
        return redirect(url_for("score_review.agency_review"))
    return _run(lambda: review.flag_report(
        db.session, draft, ticket, kind=form.kind.data, reason=form.reason.data,
        actor=current_user, now=clock.now_utc()), "score_review.agency_review")


@bp.route("/flags")
@require(permissions.can_decide_flags)
def flags():
    pending = [(f, DecisionForm(formdata=None, prefix=f"d{f.id}"))
               for f in review.pending_flags(db.session)]
    return render_template("score_review/flags.html", pending=pending,
                           decided=review.decided_flags(db.session))


@bp.route("/flags/<int:flag_id>/decide", methods=["POST"])
@require(permissions.can_decide_flags)
def decide_flag(flag_id: int):
    flag = db.get_or_404(ReviewFlag, flag_id)
    form = DecisionForm(prefix=f"d{flag.id}")
    if not form.validate_on_submit():
        flash(" ".join(form.all_errors), "error")
        return redirect(url_for("score_review.flags"))
    return _run(lambda: review.decide_flag(
        db.session, flag, accept=form.decision.data == "accept", reason=form.reason.data,
        actor=current_user, now=clock.now_utc()), "score_review.flags")
