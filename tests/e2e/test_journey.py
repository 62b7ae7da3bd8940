"""One real-browser journey: file → assign → answer → track → rate, checked by axe-core.

Selectors go by label and role, as a keyboard or screen-reader user finds things. Texts come
from the Vietnamese catalogue through the ``vi`` fixture, so the test keeps passing when the
catalogue gets translated (until then the English msgids show).
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from portal.models import Rating, Ticket
from portal.models.vocab import Status

pytestmark = pytest.mark.e2e

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SUBJECT = "Hồ sơ cấp phép xây dựng quá hạn 20 ngày"
DESCRIPTION = ("Công ty nộp hồ sơ xin giấy phép xây dựng nhà xưởng tại Bộ phận một cửa ngày "
               "02/10/2026; đến nay đã quá hạn 20 ngày làm việc mà chưa có kết quả, không được "
               "thông báo lý do.")
EMAIL = "phaply@congty-anphat.vn"
ANSWER = ("Sở đã kiểm tra: hồ sơ thiếu bản vẽ mặt bằng. Chúng tôi xin lỗi vì chậm thông báo; "
          "giấy phép sẽ được cấp trong 5 ngày làm việc kể từ khi bổ sung.")
LEGAL_BASIS = "Nghị định 15/2021/NĐ-CP, Điều 102"
COMMENT = "Cảm ơn Sở đã trả lời rõ ràng, đúng hạn."
CONSTRUCTION = "Sở Xây dựng tỉnh Hưng Yên"  # directory data (name_vi of HY-SXD), not the catalogue


def _tiny_pdf() -> bytes:
    """A real one-page PDF (valid header, objects, xref table and trailer)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class Axe:
    """Runs axe-core on each page of the journey and keeps a readable list of violations.

    The portal sends a strict Content-Security-Policy (scripts only from 'self'), so
    ``page.add_script_tag`` (an inline <script>) would be blocked unless the context used
    ``bypass_csp=True`` — which would also hide real CSP problems of the portal for the whole
    journey. Instead the axe source is evaluated through the DevTools protocol with
    ``page.evaluate``, which CSP does not govern, so the pages run under their real policy.
    """

    def __init__(self, source: str):
        self.source = source
        self.pages: list[str] = []
        self.problems: list[str] = []

    def check(self, page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.source)
        result = page.evaluate(
            """async (tags) => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + n.failureSummary
                                       .replace(/\\s+/g, ' ').trim()),
                }));
            }""", AXE_TAGS)
        self.pages.append(name)
        for violation in result:
            nodes = "\n".join(f"      {n}" for n in violation["nodes"])
            self.problems.append(f"[{name}] {page.url}\n  {violation['id']} ({violation['impact']}):"
                                 f" {violation['help']}\n{nodes}")

    def assert_clean(self) -> None:
        assert not self.problems, "axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(
            self.problems)


def _watch(page: Page, errors: list[str]) -> None:
    """Collect script errors and CSP violations: the portal's own JS must run under its CSP."""
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text else None)


def _field(scope, label: str):
    """The control labelled ``label``; a required field's label ends with an aria-hidden "*"."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}(\s*\*)?\s*$"))


def _flash(page: Page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def _sign_in(page: Page, live_server, account, vi) -> None:
    page.goto(live_server("/login"))
    _field(page, vi("Username")).fill(account.username)
    _field(page, vi("Password")).fill(account.password)
    page.get_by_role("button", name=vi("Sign in"), exact=True).click()
    expect(_flash(page, vi("Signed in."))).to_be_visible()


def _sign_out(page: Page, account, vi) -> None:
    page.get_by_role("button", name=vi("Sign out (%(name)s)", name=account.username)).click()
    expect(_flash(page, vi("Signed out."))).to_be_visible()


def _assert_skip_link_shows_on_focus(page: Page, vi) -> None:
    """From the top of the page the first Tab lands on the skip link, which becomes visible."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); "
                  "window.scrollTo(0, 0); }")
    skip = page.get_by_role("link", name=vi("Skip to main content"))
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_be_in_viewport(ratio=1)
    box = skip.bounding_box()
    viewport = page.viewport_size
    assert box and viewport and box["width"] > 20 and box["height"] > 20, box
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"], (box, viewport)
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], (box, viewport)
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {clip: s.clip, clipPath: s.clipPath, opacity: s.opacity,
                visibility: s.visibility, outline: s.outlineStyle, shadow: s.boxShadow}; }""")
    assert style["clipPath"] == "none" and style["clip"] in ("auto", ""), style
    assert style["visibility"] == "visible" and float(style["opacity"]) == 1, style
    assert style["outline"] != "none" or style["shadow"] != "none", style  # a focus indicator
    # Activating it moves the focus to the main content.
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def _file_report(page: Page, live_server, axe: Axe, vi) -> tuple[str, str]:
    page.goto(live_server("/"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    axe.check(page, "home")

    response = page.goto(live_server("/feedback/new"))
    assert response is not None and response.status == 200
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "vi")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(vi("File a report"))
    if vi("File a report") != "File a report":  # once translated, the heading is Vietnamese
        assert re.search(r"[^\x00-\x7f]", heading.inner_text()), heading.inner_text()
    _assert_skip_link_shows_on_focus(page, vi)

    # The language switcher: to English and back, staying on the form.
    switcher = page.get_by_role("group", name=vi("Language"))
    switcher.get_by_role("link", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text("File a report")
    expect(page).to_have_url(re.compile(r"/feedback/new\?lang=en$"))
    expect(page.get_by_role("group", name="Language").get_by_role("link", name="English")) \
        .to_have_attribute("aria-current", "true")
    page.get_by_role("group", name="Language").get_by_role("link", name="Tiếng Việt").click()
    expect(html).to_have_attribute("lang", "vi")
    expect(heading).to_have_text(vi("File a report"))
    axe.check(page, "form")

    # Sent empty: a summary of errors, each field marked, nothing filed.
    page.get_by_role("button", name=vi("Send report"), exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(vi("Choose what the report is about."))
    expect(summary).to_contain_text(vi("Enter a short subject."))
    expect(summary).to_contain_text(vi("Describe what happened."))
    expect(summary).to_be_focused()
    expect(_field(page, vi("Subject"))).to_have_attribute("aria-invalid", "true")
    axe.check(page, "form with errors")

    page.get_by_role("group", name=vi("What is the problem?")) \
        .get_by_label(vi("Delay in a procedure")).check()
    agency = _field(page, vi("Agency concerned (if known)"))
    expect(agency).to_have_value("")  # "I don't know": the coordinator will route it
    _field(page, vi("Subject")).fill(SUBJECT)
    _field(page, vi("What happened?")).fill(DESCRIPTION)
    _field(page, vi("E-mail")).fill(EMAIL)
    _field(page, vi("Attachments")).set_input_files(
        files=[{"name": "giay-bien-nhan-ho-so.pdf", "mimeType": "application/pdf",
                "buffer": _tiny_pdf()}])
    page.get_by_role("button", name=vi("Send report"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/feedback/PA-\d{4}-\d{6}/received$"))
    expect(_flash(page, vi("Your report was received."))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Report received"))
    code = page.locator("#tracking-code").inner_text().strip()
    receipt = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"PA-\d{4}-\d{6}", code), code
    assert len(receipt) >= 8 and receipt not in page.url, receipt
    expect(page.get_by_role("button", name=vi("Print acknowledgement"))).to_be_visible()
    expect(page.get_by_text(SUBJECT, exact=True)).to_be_visible()
    axe.check(page, "receipt page")
    return code, receipt


def _assign(page: Page, live_server, axe: Axe, vi, code: str) -> None:
    account = live_server.coordinator
    page.goto(live_server("/login"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    axe.check(page, "login")
    _sign_in(page, live_server, account, vi)
    page.goto(live_server("/triage"))
    card = page.get_by_role("article", name=re.compile(re.escape(code)))
    expect(card).to_contain_text(SUBJECT)
    axe.check(page, "triage")
    _field(card, vi("Assign to agency")).select_option(label=CONSTRUCTION)
    card.get_by_role("button", name=vi("Assign"), exact=True).click()
    expect(_flash(page, vi("Saved."))).to_be_visible()
    expect(page.get_by_role("article", name=re.compile(re.escape(code)))).to_have_count(0)
    _sign_out(page, account, vi)


def _answer(page: Page, live_server, axe: Axe, vi, code: str) -> None:
    account = live_server.officer
    _sign_in(page, live_server, account, vi)
    page.goto(live_server("/inbox"))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Inbox"))
    axe.check(page, "inbox")
    page.get_by_role("link", name=code, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/inbox/{re.escape(code)}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    expect(page.get_by_role("link", name="giay-bien-nhan-ho-so.pdf")).to_be_visible()
    axe.check(page, "inbox detail")

    page.get_by_role("button", name=vi("Acknowledge"), exact=True).click()
    expect(_flash(page, vi("Saved."))).to_be_visible()
    expect(page.locator(".page-header")).to_contain_text(vi("Acknowledged"))

    _field(page, vi("Public answer")).fill(ANSWER)
    _field(page, vi("Legal basis (optional)")).fill(LEGAL_BASIS)
    page.get_by_role("button", name=vi("Publish answer"), exact=True).click()
    expect(_flash(page, vi("Saved."))).to_be_visible()
    expect(page.locator(".page-header")).to_contain_text(vi("Answered"))
    _sign_out(page, account, vi)


def _track_and_rate(page: Page, live_server, axe: Axe, vi, code: str, receipt: str) -> None:
    page.goto(live_server("/track"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    axe.check(page, "track lookup")
    _field(page, vi("Tracking code")).fill(code)
    _field(page, vi("Secret receipt")).fill(receipt)
    page.get_by_role("button", name=vi("Show my report"), exact=True).click()

    expect(page).to_have_url(re.compile(rf"/track/{re.escape(code)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Report %(code)s", code=code))
    history = page.locator("ol.timeline")
    answer = history.get_by_role("listitem").filter(has_text=vi("Answer published"))
    expect(answer).to_contain_text(ANSWER)
    expect(answer).to_contain_text(LEGAL_BASIS)
    expect(history).to_contain_text(CONSTRUCTION)
    axe.check(page, "tracking page")

    page.get_by_role("group", name=vi("How satisfied are you with the answer?")) \
        .get_by_label(vi("5 — very satisfied")).check()
    _field(page, vi("Comment (optional)")).fill(COMMENT)
    page.get_by_role("button", name=vi("Send rating"), exact=True).click()

    expect(_flash(page, vi("Thank you. Your report was updated."))).to_be_visible()
    rated = history.get_by_role("listitem").filter(has_text=vi("Answer rated"))
    expect(rated).to_contain_text(COMMENT)
    expect(page.get_by_role("heading", name=vi("Rate the answer"))).to_have_count(0)


def test_file_assign_answer_track_rate(browser, live_server, axe_source, vi, db):
    axe = Axe(axe_source)
    errors: list[str] = []
    contexts = []

    def new_page() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        _watch(page, errors)
        return page

    try:
        reporter = new_page()
        code, receipt = _file_report(reporter, live_server, axe, vi)
        staff = new_page()
        _assign(staff, live_server, axe, vi, code)
        _answer(staff, live_server, axe, vi, code)
        # A fresh browser: the reporter comes back later with only the code and the receipt.
        _track_and_rate(new_page(), live_server, axe, vi, code, receipt)
    finally:
        for context in contexts:
            context.close()

    assert not errors, "script errors or CSP violations:\n" + "\n".join(errors)
    assert len(axe.pages) == 10, axe.pages
    axe.assert_clean()

    db.session.remove()
    ticket = db.session.scalar(sa.select(Ticket).where(Ticket.code == code))
    assert ticket is not None
    assert ticket.status == Status.answered
    assert ticket.agency is not None and ticket.agency.code == "HY-SXD"
    assert ticket.subject == SUBJECT and ticket.contact_email == EMAIL
    assert [a.original_name for a in ticket.attachments] == ["giay-bien-nhan-ho-so.pdf"]
    ratings = db.session.scalars(sa.select(Rating).where(Rating.ticket_id == ticket.id)).all()
    assert [(r.score, r.comment) for r in ratings] == [(5, COMMENT)]
