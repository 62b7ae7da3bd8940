"""Script injection in every text field is rendered inert (escaped) wherever it appears."""
from __future__ import annotations

import pytest

from tests.web.support import (
    agency_id,
    file_report,
    inbox_act,
    pdf_bytes,
    reject,
    reporter_post,
    text,
    ticket,
    track,
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = SCRIPT + IMG  # 55 characters: fits every field
RAW = ("<script>alert(1)", "<img src=x", "onerror=alert(1)>")
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")


def assert_inert(page: str, where: str) -> None:
    for raw in RAW:
        assert raw not in page, f"{where}: unescaped {raw!r}"


def shows(page: str, label: str) -> bool:
    """The payload appears, escaped, with this label (the field it was typed in)."""
    return f"{label} " + "&lt;script&gt;" in page


def payload(label: str) -> str:
    return f"{label} {PAYLOAD}"


@pytest.fixture
def journey(new_client, staff, directory):
    pages: dict[str, str] = {}

    def visit(name: str, browser, url: str) -> str:
        response = browser.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        page = text(response)
        assert_inert(page, name)
        pages[name] = page
        return page

    reporter = new_client()
    code, receipt = file_report(
        reporter, agency_id=agency_id("TB-SXD"), subject=payload("S1"),
        description=payload("D1"), dossier_number="N1 " + PAYLOAD, locality=payload("L1"),
        business_name=payload("B1"), contact_name=payload("C1"),
        # Browsers send a double quote in a file name as %22; a single quote passes as is.
        files=[(pdf_bytes(), "'><img src=x onerror=alert(1)>.pdf")])
    assert track(reporter, code, receipt).status_code == 302
    officer, coordinator = staff("officer", "TB-SXD"), staff("coordinator")
    inspector = staff("inspector")

    def act(action, **data):
        response = inbox_act(officer, code, action, **data)
        assert response.status_code == 302, (action, response.status_code)

    act("acknowledge")
    act("request_info", body=payload("Q1"))
    assert reporter_post(reporter, code, "reply", body=payload("R1")).status_code == 302
    act("note", body=payload("N2"))
    act("extend", reason=payload("E1"), apology=payload("E2"))
    act("answer", body=payload("A1"), legal_basis=payload("A2"))
    assert reporter_post(reporter, code, "rate", score="2", comment=payload("K1")
                         ).status_code == 302
    assert reporter_post(reporter, code, "reopen", reason=payload("O1")).status_code == 302
    visit("reporter page (before transfer)", reporter, f"/track/{code}")
    visit("officer inbox detail", officer, f"/inbox/{code}")
    visit("officer inbox list", officer, "/inbox")
    act("transfer", reason=payload("T1"))
    visit("triage", coordinator, "/triage")
    assert reject(coordinator, code, payload("X1")).status_code == 302
    visit("reporter page", reporter, f"/track/{code}")
    visit("coordinator inbox detail", coordinator, f"/inbox/{code}")
    visit("coordinator inbox list", coordinator, "/inbox")
    visit("public home", new_client(), "/")
    assert inspector.get(f"/inbox/{code}").status_code == 404  # not harassment
    return code, pages


def test_every_text_field_is_escaped_everywhere(journey):
    code, pages = journey
    assert ticket(code).status.value == "rejected"
    reporter, staff_page = pages["reporter page"], pages["coordinator inbox detail"]
    # The reporter sees the public parts of the history.
    for label in ("S1", "D1", "A1", "A2", "R1", "O1", "X1", "Q1"):
        assert shows(reporter, label), f"reporter page lacks {label}"
    # Staff see the whole report, the notes, the reasons and the reporter's identity.
    for label in ("S1", "D1", "N1", "L1", "B1", "C1", "Q1", "R1", "N2", "E1", "A1", "A2",
                  "O1", "T1", "X1"):
        assert shows(staff_page, label), f"inbox page lacks {label}"
    assert shows(pages["triage"], "S1") and shows(pages["triage"], "D1")
    assert shows(pages["officer inbox list"], "S1")
    # The attachment's name is shown escaped on both sides.
    for name in ("reporter page", "coordinator inbox detail"):
        assert "&#39;&gt;&lt;img src=x onerror=alert(1)&gt;.pdf" in pages[name]


def test_internal_texts_stay_internal(journey):
    """Notes and transfer reasons are for staff; the reporter page does not show them."""
    _, pages = journey
    for label in ("N2", "T1"):
        assert not shows(pages["reporter page"], label)

