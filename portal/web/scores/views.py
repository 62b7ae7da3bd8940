"""Public score pages: the ranking, the methodology, each agency, exports and the report."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, render_template, request

from portal import clock
from portal.extensions import db, limiter
from portal.models import Agency, PublishedRanking
from portal.scoring import export, publish, ranking as ranking_rows, report
from portal.scoring.method import DEFAULT_MIN_N, DEFAULT_WEIGHTS, METHOD_VERSION, SHRINK_M
from portal.scoring.periods import parse_period
from portal.scoring import agency_page
from portal.replica import read_only

bp = Blueprint("scores", __name__, url_prefix="/scores")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLES = {"ranking": export.ranking_table, "inputs": export.inputs_table}


def _published_or_404(period: str) -> PublishedRanking:
    ranking = publish.published(db.session, period, request.args.get("version", type=int))
    if ranking is None:
        abort(404)
    return ranking


def _ranking_page(ranking: PublishedRanking | None):
    groups = previous = None
    if ranking is not None:
        previous = publish.previous(db.session, ranking)
        groups = ranking_rows.rows_by_group(ranking.figures, ranking.weights,
                                            previous.figures if previous else None)
    versions = list(publish.versions(db.session, ranking.period)) if ranking else []
    return render_template("scores/index.html", ranking=ranking, groups=groups, previous=previous,
                           periods=publish.latest_versions(db.session), versions=versions)


@bp.route("")
@read_only
def index():
    return _ranking_page(publish.latest(db.session))


@bp.route("/<period>")
@read_only
def period(period: str):
    return _ranking_page(_published_or_404(period))


@bp.route("/methodology")
def methodology():
    return render_template("scores/methodology.html", bands=ranking_rows.BANDS,
                           harassment_from=report.HARASSMENT_SHOWN_FROM, weights=DEFAULT_WEIGHTS,
                           min_n=DEFAULT_MIN_N, shrink_m=SHRINK_M, method_version=METHOD_VERSION)


@bp.route("/agency/<code>")
@read_only
def agency(code: str):
    found = db.session.scalar(sa.select(Agency).where(Agency.code == code))
    if found is None:
        abort(404)
    return render_template("scores/agency.html", page=agency_page.agency_page(db.session, found),
                           harassment_from=report.HARASSMENT_SHOWN_FROM)


def _download_limit():
    return current_app.config["RATELIMIT_TRACKING"]


@bp.route("/<period>/<any(ranking, inputs):what>.<any(csv, xlsx):fmt>")
@limiter.limit(_download_limit)
@read_only
def download(period: str, what: str, fmt: str):
    ranking = _published_or_404(period)
    table = TABLES[what](ranking)
    name = f"ddci-{what}-{ranking.period}-v{ranking.version}.{fmt}"
    if fmt == "csv":
        # A byte-order mark so spreadsheet programs read the Vietnamese names as UTF-8.
        body, mimetype = "\ufeff" + export.to_csv(table), "text/csv; charset=utf-8"
    else:
        body, mimetype = export.to_xlsx(table, f"{what} {ranking.period}"), XLSX
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/<period>/report", defaults={"code": None})
@bp.route("/<period>/report/<code>")
@limiter.limit(_download_limit)
@read_only
def semiannual_report(period: str, code: str | None):
    """The printable report of a published period, for the province or one agency."""
    ranking = _published_or_404(period)
    agency = None
    if code is not None:
        agency = db.session.scalar(sa.select(Agency).where(Agency.code == code))
        if agency is None:
            abort(404)
    data = report.build_report(db.session, parse_period(ranking.period), agency=agency,
                               now=clock.now_utc())
    download = request.args.get("download") == "1"
    html = render_report(data, inline_css=download)
    if not download:
        return html
    name = f"report-{ranking.period}-{code or 'province'}.html"
    return Response(html, mimetype="text/html",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def render_report(data: report.Report, *, inline_css: bool) -> str:
    """The report as one HTML document; with ``inline_css`` it prints correctly offline."""
    css = None
    if inline_css:
        with current_app.open_resource("../static/css/report.css") as f:
            css = f.read().decode("utf-8")
    return render_template("scores/report.html", report=data, inline_css=css,
                           harassment_from=report.HARASSMENT_SHOWN_FROM)
