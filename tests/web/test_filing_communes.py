"""Filing after the 2025 merger: only today's agencies, the commune picker, and an old
district-based address converted to today's commune with the reporter confirming."""
from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Ticket
from tests.web.support import (agency_id, error_summary, file_report, input_value, post_report,
                               text, ticket)

OLD_ADDRESS = "xã Vũ Hội, huyện Vũ Thư, tỉnh Thái Bình"


def _options(page: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S)
    assert match, f"no select {name}"
    return match.group(0)


def _selected(page: str, name: str) -> list[str]:
    return re.findall(r'<option selected value="([^"]*)"', _options(page, name))


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ticket))


def test_filing_lists_only_agencies_valid_today(client, staff, directory):
    for browser, url in ((client, "/feedback/new?lang=en"), (staff("clerk"), "/intake/new?lang=en")):
        agencies = _options(text(browser.get(url)), "agency_id")
        assert "Hung Yen Department of Finance" in agencies
        assert "Regional Customs Sub-department III" in agencies
        assert "Thai Binh Department" not in agencies  # the 2023 directory is history
        assert "Thai Binh City" not in agencies


def test_the_commune_picker_groups_todays_communes_by_province(client, directory):
    picker = _options(text(client.get("/feedback/new")), "commune")
    assert '<optgroup label="Tỉnh Hưng Yên">' in picker
    assert picker.count("<option") == 105  # "choose" plus the 104 communes and wards
    assert "Xã Thư Vũ" in picker and "huyện" not in picker.lower()


def test_an_old_district_address_is_converted_and_the_reporter_confirms(client, directory):
    response = post_report(client, locality=OLD_ADDRESS)
    page = text(response)
    assert response.status_code == 200 and _count() == 0  # nothing filed yet
    assert "Xã Thư Vũ, Tỉnh Hưng Yên" in page and 'role="status"' in page
    thu_vu = agency_id("HY-UBND-13264")
    assert _selected(page, "commune") == [str(thu_vu)]
    assert input_value(page, "address_checked") == OLD_ADDRESS

    code, _ = file_report(client, locality=OLD_ADDRESS, address_checked=OLD_ADDRESS,
                          commune=str(thu_vu))
    assert ticket(code).locality == "Xã Thư Vũ, Tỉnh Hưng Yên"


def test_find_the_new_commune_on_demand(client, directory):
    page = text(post_report(client, locality="P. Lê Hồng Phong, TP Thái Bình", subject="",
                            find_commune="Tìm xã, phường mới"))
    assert "Phường Thái Bình, Tỉnh Hưng Yên" in page and not error_summary(page)
    unknown = text(post_report(client, locality="xã Không Có, huyện Đâu Đó",
                               find_commune="Tìm xã, phường mới"))
    assert "The portal does not know this old address" in unknown and _count() == 0


def test_a_commune_level_problem_goes_to_that_commune_committee(client, directory):
    committee = agency_id("HY-UBND-13264")
    code, _ = file_report(client, commune=str(committee), commune_level="y")
    filed = ticket(code)
    assert filed.agency_id == committee and filed.locality == "Xã Thư Vũ, Tỉnh Hưng Yên"
    page = text(post_report(client, commune_level="y"))
    assert "Choose the commune or ward whose People's Committee" in error_summary(page)
    page = text(post_report(client, commune=str(agency_id("TB-UBND-VT"))))
    assert "Choose a commune or ward from the list." in error_summary(page)
