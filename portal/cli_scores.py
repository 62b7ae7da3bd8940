"""`flask scores`: compute a period, print its inputs, write the semi-annual report."""
from __future__ import annotations

import csv
import json
import os
import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from portal import clock
from portal.directory import lookup
from portal.extensions import db
from portal.scoring import compute as scoring_compute
from portal.scoring import inputs as scoring_inputs
from portal.scoring.method import COMPONENTS
from portal.scoring.periods import Period, parse_period

scores_cli = AppGroup("scores", help="DDCI-style agency scores (DESIGN §7): compute, inputs, report.")


def _period(_ctx, _param, value: str) -> Period:
    try:
        return parse_period(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _as_of(_ctx, _param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date-time like 2026-01-05T00:00:00+07:00") \
            from exc
    if moment.tzinfo is None:
        raise click.BadParameter("give the time zone, e.g. 2026-01-05T00:00:00+07:00")
    return moment


_PERIOD = click.argument("period", callback=_period)
_AS_OF = click.option("--as-of", callback=_as_of, default=None,
                      help="Judge open reports at this moment (ISO 8601 with zone; default now).")


def _figure(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@scores_cli.command("compute")
@_PERIOD
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON.")
@_AS_OF
def scores_compute(period: Period, as_json: bool, as_of: datetime | None) -> None:
    """Compute the scores of PERIOD (2025H1, 2025H2, 2025, 2025Q3); nothing is stored."""
    scores = scoring_compute.compute_period(db.session, period, as_of=as_of)
    db.session.rollback()  # read only
    if as_json:
        click.echo(json.dumps(scores.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(f"{period.code} ({period.start} – {period.end}), method {scores.method_version}, "
               f"min n {scores.settings.min_n}"
               + (", the directory changed during the period" if scores.directory_changed else ""))
    header = ["group", "rank", "code", "n", "composite", *COMPONENTS, "standing"]
    click.echo("  ".join(f"{h:>12}" for h in header))
    for agency in scores.agencies:
        cells = [agency.group, agency.rank or "-", agency.code, agency.n,
                 _figure(agency.composite), *[_figure(agency.components[c]) for c in COMPONENTS],
                 agency.standing]
        click.echo("  ".join(f"{str(c):>12}" for c in cells))


@scores_cli.command("inputs")
@_PERIOD
@click.option("--csv", "as_csv", is_flag=True,
              help="Print the rows as CSV (otherwise only how many there are).")
@_AS_OF
def scores_inputs(period: Period, as_csv: bool, as_of: datetime | None) -> None:
    """What PERIOD's scores are computed from: one row per counted report-agency pair."""
    rows = scoring_inputs.input_rows(db.session, period, as_of=as_of)
    if not as_csv:
        click.echo(f"{period.code}: {sum(1 for _row in rows)} counted report-agency pairs; "
                   f"--csv prints them with the columns {', '.join(scoring_inputs.COLUMNS)}")
        db.session.rollback()
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=scoring_inputs.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    db.session.rollback()
@scores_cli.command("report")
@click.argument("period")
@click.option("--agency", "agency_code", default=None, help="Only this agency's report.")
@click.option("--out", "out_dir", required=True,
              type=click.Path(file_okay=False, writable=True), help="Folder for the HTML files.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
def report_command(period: str, agency_code: str | None, out_dir: str, lang: str) -> None:
    """Write the semi-annual report (HTML ready to print): the province and every ranked agency,
    or one agency with --agency."""
    from portal.scoring import report
    from portal.web.scores.views import render_report

    try:
        parsed = parse_period(period)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    agencies = [None] + lookup.agencies()
    if agency_code:
        agency = lookup.agency_by_code(agency_code)
        if agency is None:
            raise click.ClickException(f"unknown agency {agency_code}")
        agencies = [agency]
    os.makedirs(out_dir, exist_ok=True)
    now = clock.now_utc()
    with current_app.test_request_context(f"/?lang={lang}"):
        for agency in agencies:
            data = report.build_report(db.session, parsed, agency=agency, now=now)
            if agency is not None and data.total == 0 and not agency_code:
                continue  # no report for this agency: nothing to print
            name = f"{parsed.code}-{agency.code if agency else 'province'}.html"
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
                f.write(render_report(data, inline_css=True))
            click.echo(name)
