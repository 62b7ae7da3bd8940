"""The administrator's legal-clock pages: /admin/calendar and /admin/sla (issue 3)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from urllib.parse import urlsplit

import pytest

from portal import clock
from portal.clock import LOCAL_TZ
from portal.deadlines import settings
from portal.deadlines.policy import DEFAULT_POLICY, ClockPolicy
from portal.deadlines.working_days import local_day
from portal.extensions import db
from portal.models import Category
from tests.helpers import csrf_token, page_token
from tests.web.support import error_summary, flashes, input_value, text

FIELDS = ("ack_days", "transfer_days", "answer_days", "extension_days")
RECEIVED = date(2026, 3, 2)  # a Monday with no holiday in the next six weeks
# 20 working days after Monday 2/3/2026 (day 0), with only weekends off: Monday 30/3.
DUE = date(2026, 3, 30)


def local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ).astimezone(timezone.utc)


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(local(RECEIVED))  # the db fixture unfreezes


@pytest.fixture
def admin(staff):
    return staff("admin")


# --- helpers ------------------------------------------------------------------------------

def add_day(browser, day: str, kind: str | None = "off",
            note: str | None = "Nghỉ bù theo thông báo"):
    data = {"csrf_token": page_token(browser, "/admin/calendar"), "day": day}
    data.update({k: v for k, v in {"kind": kind, "note": note}.items() if v is not None})
    return browser.post("/admin/calendar", data=data)


def delete_day(browser, day: str):
    token = page_token(browser, "/admin/calendar")
    return browser.post(f"/admin/calendar/{day}/delete",
                        data={f"d{day.replace('-', '')}-csrf_token": token})


def sla_data(page: str, **changes: str) -> dict:
    """Every field as the page shows it, with ``changes`` ({"delay-answer_days": "10"})."""
    data = {f"{c.value}-{f}": input_value(page, f"{c.value}-{f}") for c in Category for f in FIELDS}
    return {"csrf_token": csrf_token(page), **data, **changes}


def save_sla(browser, **changes: str):
    page = browser.get("/admin/sla")
    assert page.status_code == 200
    return browser.post("/admin/sla", data=sla_data(text(page), **changes))


def stored_overrides() -> dict[date, tuple[bool, str]]:
    db.session.expire_all()
    return {row.day: (row.working, row.note) for row in settings.overrides()}


def stored_policies() -> dict[Category, ClockPolicy]:
    db.session.expire_all()
    return settings.policies()


def answer_due_of_new_report(make_ticket, category: str = "delay") -> date:
    filed, _receipt = make_ticket(category=category)
    return local_day(filed.answer_due)


def cli_due(runner, received: date = RECEIVED, days: int = 20) -> str:
    result = runner.invoke(args=["deadlines", "due", received.isoformat(), str(days)])
    assert result.exit_code == 0, result.output
    return result.output.strip()


# --- the calendar ---------------------------------------------------------------------------

def test_an_extra_day_off_moves_the_deadlines_of_reports_filed_afterwards(admin, make_ticket,
                                                                         runner):
    before = make_ticket()[0]
    assert local_day(before.answer_due) == DUE and cli_due(runner) == DUE.isoformat()

    response = add_day(admin, "2026-03-10", "off", "Nghỉ thêm theo Thông báo của UBND tỉnh")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/admin/calendar"
    page = text(admin.get("/admin/calendar"))
    assert "Tuesday, March 10, 2026 was added to the calendar." in flashes(page)
    assert "Nghỉ thêm theo Thông báo của UBND tỉnh" in page and "Day off" in page
    assert stored_overrides() == {
        date(2026, 3, 10): (False, "Nghỉ thêm theo Thông báo của UBND tỉnh")}

    assert answer_due_of_new_report(make_ticket) == date(2026, 3, 31)
    assert cli_due(runner) == "2026-03-31"
    db.session.expire_all()
    assert local_day(before.answer_due) == DUE  # a report already filed keeps its due date


def test_a_swapped_working_saturday_counts_as_a_working_day(admin, make_ticket, runner):
    response = add_day(admin, "2026-03-14", "working", "Làm bù cho ngày nghỉ 10/3")
    assert response.status_code == 302
    assert stored_overrides() == {date(2026, 3, 14): (True, "Làm bù cho ngày nghỉ 10/3")}
    assert "Working day" in text(admin.get("/admin/calendar"))
    # Saturday 14/3 now counts, so the twentieth working day is Friday 27/3.
    assert answer_due_of_new_report(make_ticket) == date(2026, 3, 27)
    assert cli_due(runner) == "2026-03-27"
    assert cli_due(runner, date(2026, 3, 13), 1) == "2026-03-14"


def test_deleting_an_override_restores_the_national_calendar(admin, make_ticket, runner):
    assert add_day(admin, "2026-03-10").status_code == 302
    assert add_day(admin, "2026-03-14", "working").status_code == 302
    assert cli_due(runner) == "2026-03-30"  # one day off, one Saturday worked: they cancel out

    response = delete_day(admin, "2026-03-14")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/admin/calendar"
    page = text(admin.get("/admin/calendar"))
    assert "Saturday, March 14, 2026 was removed from the calendar." in flashes(page)
    assert set(stored_overrides()) == {date(2026, 3, 10)}
    assert answer_due_of_new_report(make_ticket) == date(2026, 3, 31)

    assert delete_day(admin, "2026-03-10").status_code == 302
    assert stored_overrides() == {}
    assert "No changes yet" in text(admin.get("/admin/calendar"))
    assert answer_due_of_new_report(make_ticket) == DUE and cli_due(runner) == DUE.isoformat()


def test_deleting_a_day_with_no_entry_says_so(admin):
    assert add_day(admin, "2026-03-10").status_code == 302
    response = delete_day(admin, "2026-03-11")
    assert response.status_code == 302
    assert "There was no entry for Wednesday, March 11, 2026." in flashes(
        text(admin.get("/admin/calendar")))
    assert set(stored_overrides()) == {date(2026, 3, 10)}


@pytest.mark.parametrize("day", ["2026-02-30", "10-03-2026", "soon"])
def test_deleting_needs_a_real_date_in_the_address(admin, day):
    token = page_token(admin, "/admin/calendar")
    response = admin.post(f"/admin/calendar/{day}/delete", data={"csrf_token": token})
    assert response.status_code == 404


def test_deleting_needs_the_csrf_token(admin):
    assert add_day(admin, "2026-03-10").status_code == 302
    assert admin.post("/admin/calendar/2026-03-10/delete").status_code == 400
    assert set(stored_overrides()) == {date(2026, 3, 10)}


NO_NOTE = "Write a note, e.g. the notice that announced the change."
ALREADY_OFF = "is already a day off in the national calendar."


@pytest.mark.parametrize("day,kind,note,field,message", [
    ("2026-02-30", "off", "Nghỉ", "day", "Enter a real date as YYYY-MM-DD, e.g. 2026-02-16."),
    ("10/03/2026", "off", "Nghỉ", "day", "Enter a real date as YYYY-MM-DD, e.g. 2026-02-16."),
    ("20260310", "off", "Nghỉ", "day", "Enter a real date as YYYY-MM-DD, e.g. 2026-02-16."),
    ("", "off", "Nghỉ", "day", "Enter the date."),
    ("2026-03-10", None, "Nghỉ", "kind", "Choose a day off or a working day."),
    ("2026-03-10", "holiday", "Nghỉ", "kind", "Choose a day off or a working day."),
    ("2026-03-10", "off", None, "note", NO_NOTE),
    ("2026-03-10", "off", "   ", "note", NO_NOTE),
    ("2026-03-10", "off", "x" * 201, "note", "The note must be at most 200 characters."),
    # A day that the national calendar already treats that way would change nothing.
    ("2026-03-08", "off", "Nghỉ", "day", f"Sunday, March 8, 2026 {ALREADY_OFF}"),
    ("2026-04-30", "off", "Nghỉ", "day", f"Thursday, April 30, 2026 {ALREADY_OFF}"),
    ("2026-03-10", "working", "Làm", "day", "Tuesday, March 10, 2026 is already a working day."),
])
def test_invalid_input_is_refused_and_kept(admin, day, kind, note, field, message):
    response = add_day(admin, day, kind, note)
    assert response.status_code == 422
    page = text(response)
    assert message in error_summary(page)
    assert f'<a href="#{field}">' in page  # the summary links to the field
    assert stored_overrides() == {}
    assert input_value(page, "day") == day  # what the administrator typed is still there
    if note and not note.isspace():
        assert input_value(page, "note") == note


def test_a_day_already_in_the_table_is_refused(admin):
    assert add_day(admin, "2026-03-10", "off", "Nghỉ thêm").status_code == 302
    response = add_day(admin, "2026-03-10", "off", "Nghỉ thêm lần hai")
    assert response.status_code == 422
    assert ("Tuesday, March 10, 2026 is already in the table. Delete it first to change it."
            in error_summary(text(response)))
    # Not even a Saturday swap overwrites it silently.
    assert add_day(admin, "2026-03-10", "working", "Làm").status_code == 422
    assert stored_overrides() == {date(2026, 3, 10): (False, "Nghỉ thêm")}


def test_the_page_shows_the_national_holidays_in_the_ui_language(admin, new_client, staff):
    page = text(admin.get("/admin/calendar"))
    assert "Public holidays in 2026" in page
    assert "New Year&#39;s Day" in page and "Lunar New Year" in page
    assert 'datetime="2026-02-17"' in page  # Tết
    assert 'datetime="2026-08-22"' in page  # the package's own swapped working Saturday

    vietnamese = text(admin.get("/admin/calendar?lang=vi"))
    assert "Tết Dương lịch" in vietnamese and "Tết Nguyên Đán" in vietnamese
    assert "New Year&#39;s Day" not in vietnamese


def test_the_page_lists_overrides_with_an_accessible_table(admin):
    assert add_day(admin, "2026-03-10", "off", "Nghỉ thêm").status_code == 302
    page = text(admin.get("/admin/calendar"))
    assert '<th scope="row"><time datetime="2026-03-10">Tuesday, March 10, 2026</time></th>' in page
    assert page.count("<caption") == 3
    assert 'action="/admin/calendar/2026-03-10/delete"' in page
    assert 'name="d20260310-csrf_token"' in page
    assert '<input' in page and 'type="date"' in page and 'for="day"' in page


# --- time limits per category -------------------------------------------------------------

def test_the_form_shows_the_current_policies(admin):
    settings.set_policy(Category.policy, ClockPolicy(2, 4, 30, 15), now=clock.now_utc())
    db.session.commit()
    page = text(admin.get("/admin/sla"))
    for category in Category:
        expected = ClockPolicy(2, 4, 30, 15) if category == Category.policy else DEFAULT_POLICY
        assert [input_value(page, f"{category.value}-{f}") for f in FIELDS] == [
            str(getattr(expected, f)) for f in FIELDS]
    assert "Delay in a procedure" in page and "Problem with the rule itself" in page
    assert '<label for="delay-answer_days">' in page


def test_a_new_answer_time_applies_to_reports_of_that_category_filed_afterwards(admin,
                                                                              make_ticket):
    earlier = make_ticket(category="delay")[0]
    response = save_sla(admin, **{"delay-answer_days": "10", "delay-ack_days": "2"})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/admin/sla"
    page = text(admin.get("/admin/sla"))
    assert "Time limits saved. Reports already filed keep their due dates." in flashes(page)
    assert input_value(page, "delay-answer_days") == "10"

    policies = stored_policies()
    assert policies[Category.delay] == ClockPolicy(ack_days=2, transfer_days=5, answer_days=10,
                                                   extension_days=10)
    assert all(policies[c] == DEFAULT_POLICY for c in Category if c != Category.delay)

    delay = make_ticket(category="delay")[0]
    assert local_day(delay.answer_due) == date(2026, 3, 16)  # 10 working days after 2/3
    assert local_day(delay.ack_due) == date(2026, 3, 4)
    for other in ("harassment", "unclear_procedure", "policy", "other"):
        assert answer_due_of_new_report(make_ticket, other) == DUE
    db.session.expire_all()
    assert local_day(earlier.answer_due) == DUE


def test_saving_unchanged_values_changes_no_deadline(admin, make_ticket):
    assert save_sla(admin).status_code == 302
    assert stored_policies() == {c: DEFAULT_POLICY for c in Category}
    assert answer_due_of_new_report(make_ticket) == DUE


@pytest.mark.parametrize("field,value,message", [
    ("delay-ack_days", "-1", "Enter a number from 0 to 365."),
    ("delay-answer_days", "0", "Enter a number from 1 to 365."),
    ("other-answer_days", "366", "Enter a number from 1 to 365."),
    ("harassment-transfer_days", "abc", "Enter a whole number of working days."),
    ("policy-extension_days", "1.5", "Enter a whole number of working days."),
    ("unclear_procedure-ack_days", "1_0", "Enter a whole number of working days."),
    ("delay-extension_days", "", "Enter a number of working days."),
])
def test_invalid_numbers_are_refused_and_kept(admin, field, value, message):
    page = text(admin.get("/admin/sla"))
    # A valid change in the same submission is not saved either.
    response = admin.post("/admin/sla", data=sla_data(page, **{field: value,
                                                              "policy-answer_days": "25"}))
    assert response.status_code == 422
    body = text(response)
    summary = error_summary(body)
    assert message in summary and summary.count(message) == 1
    assert f'<a href="#{field}">' in body
    assert input_value(body, field) == value
    assert input_value(body, "policy-answer_days") == "25"
    assert 'aria-invalid="true"' in body
    assert stored_policies() == {c: DEFAULT_POLICY for c in Category}


def test_every_invalid_field_is_reported_at_once(admin):
    page = text(admin.get("/admin/sla"))
    response = admin.post("/admin/sla", data=sla_data(page, **{
        "delay-answer_days": "0", "other-ack_days": "-3"}))
    assert response.status_code == 422
    summary = error_summary(response.get_data(as_text=True))
    assert ("Delay in a procedure — Answer within (working days): "
            "Enter a number from 1 to 365.") in summary
    assert "Other — Acknowledge within (working days): Enter a number from 0 to 365." in summary


def test_a_missing_field_is_refused(admin):
    page = text(admin.get("/admin/sla"))
    data = sla_data(page)
    del data["harassment-answer_days"]
    response = admin.post("/admin/sla", data=data)
    assert response.status_code == 422
    assert "Enter a number of working days." in error_summary(text(response))
    assert stored_policies() == {c: DEFAULT_POLICY for c in Category}


# --- who may use the pages ------------------------------------------------------------------

@pytest.fixture
def existing_override(db):
    settings.set_override(date(2026, 3, 10), working=False, note="Nghỉ thêm", now=clock.now_utc())
    db.session.commit()


def _state():
    return stored_overrides(), stored_policies()


def _post_data(url: str, token: str) -> dict:
    """Data that would succeed for an administrator, so only permission stops it."""
    if url == "/admin/calendar":
        return {"csrf_token": token, "day": "2026-03-11", "kind": "off", "note": "Nghỉ"}
    if url == "/admin/sla":
        fields = {f"{c.value}-{f}": getattr(DEFAULT_POLICY, f) for c in Category for f in FIELDS}
        return {"csrf_token": token, **fields, "delay-answer_days": "5"}
    return {"d20260310-csrf_token": token}


def send(browser, method: str, url: str):
    if method == "GET":
        return browser.get(url)
    token = page_token(browser, "/feedback/new")
    return browser.post(url, data=_post_data(url, token))


PAGES = [("GET", "/admin/calendar"), ("POST", "/admin/calendar"), ("GET", "/admin/sla"),
         ("POST", "/admin/sla"), ("POST", "/admin/calendar/2026-03-10/delete")]


@pytest.mark.parametrize("method,url", PAGES)
def test_without_login_redirects_to_login(client, existing_override, method, url):
    before = _state()
    response = send(client, method, url)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert _state() == before


@pytest.mark.parametrize("role", ["coordinator", "clerk", "officer", "head", "inspector",
                                  "analyst"])
@pytest.mark.parametrize("method,url", PAGES)
def test_every_other_role_is_forbidden(staff, directory, existing_override, role, method, url):
    browser = staff(role, "TB-SXD" if role in ("officer", "head") else None)
    before = _state()
    response = send(browser, method, url)
    assert response.status_code == 403
    assert "Access denied" in text(response)
    assert _state() == before


@pytest.mark.parametrize("method,url,status", [(m, u, 200 if m == "GET" else 302)
                                               for m, u in PAGES])
def test_the_administrator_gets_in(admin, existing_override, method, url, status):
    """Controls for the denials above: the same requests succeed for an administrator."""
    before = _state()
    assert send(admin, method, url).status_code == status
    if method == "POST":
        assert _state() != before


def test_only_administrators_see_the_navigation_link(admin, staff):
    assert 'href="/admin/calendar">Administration</a>' in text(admin.get("/"))
    assert "Administration" not in text(staff("coordinator").get("/"))
