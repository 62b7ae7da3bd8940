"""The public score pages: ranking, methodology, agency page with its charts, exports, report."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from portal import clock
from tests import scoring_support as s
from tests.web.support import text


@pytest.fixture
def rankings(app, directory, make_user):
    earlier, latest = s.publish_two_periods(app.config, make_user("analyst0", "analyst"))
    return {"earlier": earlier, "latest": latest}


def test_nothing_published_yet(client, directory):
    page = text(client.get("/scores"))
    assert "No ranking has been published yet." in page
    assert client.get("/scores/2025H1").status_code == 404
    assert client.get("/scores/2025H1/ranking.csv").status_code == 404
    assert client.get("/scores/2025H1/report").status_code == 404


def test_latest_ranking_per_group_with_band_and_change(client, rankings):
    page = text(client.get("/scores"))
    assert "2025H1" in page and "not the official survey-based DDCI" in page
    assert 'id="group-department"' in page
    sxd = s.figures_of(rankings["latest"].figures, s.SXD)
    before = s.figures_of(rankings["earlier"].figures, s.SXD)
    assert "%.2f" % sxd["composite"] in page
    assert "%+.2f" % round(sxd["composite"] - before["composite"], 2) in page
    assert re.search(r'class="badge band-\w+"', page)
    assert "change since 2024H2" in page


def test_agencies_below_the_minimum_are_listed_as_not_enough_data(app, client, directory,
                                                                   make_user):
    s.scored_world(app.config)
    s.file_reports(app.config, "TB-STC", 3)
    s.publish_now(s.compute_draft(make_user("analyst0", "analyst")), make_user("a1", "analyst"))
    page = text(client.get("/scores"))
    row = re.search(r"<tr>(?:(?!</tr>).)*Department of Finance(?:(?!</tr>).)*</tr>", page, re.S)
    assert row and "Not enough data" in row.group(0)
    assert "Chưa đủ dữ liệu" in text(client.get("/scores?lang=vi"))


def test_methodology_in_both_languages(client, directory):
    english = text(client.get("/scores/methodology"))
    assert "not the official DDCI" in english
    for term in ("Wilson", "(k + 10 × group share) ÷ (n + 10)", "fewer than 10",
                 "Needs improvement", "lower harassment rate", "method version"):
        assert term in english, term
    vietnamese = text(client.get("/scores/methodology?lang=vi"))
    assert "không phải" in vietnamese and "DDCI" in vietnamese and "Wilson" in vietnamese
    assert "not the official DDCI" not in vietnamese


def test_agency_page_has_accessible_svg_charts_and_no_script(client, rankings):
    page = text(client.get(f"/scores/agency/{s.SXD}"))
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert len(svgs) == 5
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "2024H2" in svg and "2025H1" in svg
    assert "<polyline" in svgs[0]  # time cost; nobody rated an answer, so no satisfaction line
    assert page.count('class="table chart-data"') == 5  # the data behind each chart
    assert "<script>" not in page and "<script " not in page.replace(
        '<script src="/static/js/portal.js" defer></script>', "")
    assert "Rank " in page and "could rank anywhere from" in page
    assert "Reports by category, 2025H1" in page


def test_agency_page_hides_a_small_harassment_count(client, rankings):
    page = text(client.get(f"/scores/agency/{s.SXD}"))
    row = re.search(r"Harassment or demands for money</th><td>([^<]+)</td>", page)
    assert row.group(1) == "fewer than 5"


def test_agency_page_links_predecessors_and_successor(client, rankings):
    from datetime import date

    from portal.extensions import db
    from portal.models.agency import AgencySuccession
    from tests.factories import agency
    db.session.add(AgencySuccession(predecessor=agency("TB-STC"), successor=agency(s.SXD),
                                    on_date=date(2025, 7, 1)))
    db.session.commit()
    assert f'href="/scores/agency/{s.SXD}"' in text(client.get("/scores/agency/TB-STC"))
    assert 'href="/scores/agency/TB-STC"' in text(client.get(f"/scores/agency/{s.SXD}"))
    assert client.get("/scores/agency/NOPE").status_code == 404


def test_ranking_and_inputs_exports(client, rankings):
    latest = rankings["latest"]
    ranking_csv = client.get("/scores/2025H1/ranking.csv")
    assert ranking_csv.headers["Content-Disposition"].endswith('ddci-ranking-2025H1-v1.csv"')
    rows = list(csv.DictReader(io.StringIO(ranking_csv.get_data(as_text=True).lstrip("\ufeff"))))
    by_code = {r["code"]: r for r in rows}
    assert float(by_code[s.SXD]["composite"]) == round(
        s.figures_of(latest.figures, s.SXD)["composite"], 2)
    inputs_csv = client.get("/scores/2025H1/inputs.csv").get_data(as_text=True)
    inputs = list(csv.DictReader(io.StringIO(inputs_csv.lstrip("\ufeff"))))
    assert {(int(r["ticket_id"]), int(r["agency_id"])) for r in inputs} == {
        tuple(p) for p in latest.input_pairs}
    book = load_workbook(io.BytesIO(client.get("/scores/2025H1/inputs.xlsx").data))
    assert book.active.max_row == len(inputs) + 1
    book = load_workbook(io.BytesIO(client.get("/scores/2025H1/ranking.xlsx").data))
    assert [c.value for c in book.active[1]][:4] == ["period", "version", "method_version", "group"]
    everything = "".join(client.get(f"/scores/2025H1/{w}.csv").get_data(as_text=True)
                         for w in ("ranking", "inputs"))
    for identity in ("Nguyễn Thị Hoa", "hoa@example.vn", "Đỗ Văn Giang", "Đòi tiền"):
        assert identity not in everything


def test_report_page_and_download(client, rankings):
    clock.freeze(s.AFTER_REVIEW)
    page = text(client.get("/scores/2025H1/report"))
    assert "Semi-annual report 2025H1" in page and 'href="/static/css/report.css"' in page
    download = client.get(f"/scores/2025H1/report/{s.SXD}?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    body = download.get_data(as_text=True)
    assert "<style>" in body and "@media print" in body
    assert client.get("/scores/2025H1/report/NOPE").status_code == 404
