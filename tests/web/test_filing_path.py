"""The filing path stays lean (issue 8): no corpus read or model training per report, no mail
round trip when there is no mail, the directory lists only to render the form, no repeat-hold
marking or read-back for a new report, one query per generation of agency successors, the
router's table per directory revision, one query for the confirmation. Behaviour, not
timing: each test fails if the expensive step comes back."""
from __future__ import annotations

import contextlib
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from portal import clock, jobs
from portal.directory import lookup
from portal.extensions import db as _db
from portal.models import Agency, HoldSegment, OutboxMessage, RoutingSuggestion, Sector, Status
from portal.routing import classifier, corpus, models_cache
from tests.helpers import page_token
from tests.web.support import agency_id, file_report, post_report, submission, text, ticket


CUSTOMS = ("Tờ khai hải quan bị phân luồng đỏ",
           "Lô hàng linh kiện nhập khẩu bị phân luồng đỏ, tờ khai hải quan nộp từ thứ hai đến "
           "nay chưa được thông quan, hàng nằm ở cảng phát sinh phí lưu container.")


@pytest.fixture
def routing_ready(app, directory):
    models_cache.current_model(app.config)  # loaded once per process, as a worker does


def _refuse(what):
    def refuse(*args, **kwargs):
        raise AssertionError(f"the filing path {what}")
    return refuse


def test_routing_a_report_reads_no_corpus_and_trains_nothing(client, routing_ready, monkeypatch):
    monkeypatch.setattr(corpus, "read_jsonl", _refuse("read the corpus files"))
    monkeypatch.setattr(classifier.Model, "__init__", _refuse("trained a model"))
    code, _receipt = file_report(client, subject="Tờ khai hải quan bị phân luồng đỏ",
                                 description="Lô hàng nhập khẩu chờ kiểm hóa đã 5 ngày.")
    suggestion = _db.session.get(RoutingSuggestion, ticket(code).id)
    assert suggestion is not None and suggestion.sector == "customs"


def test_an_anonymous_filing_does_not_run_mail_delivery(client, routing_ready, monkeypatch):
    runs = []  # send_queued_mail swallows errors (mail never fails a request): count instead
    monkeypatch.setattr(jobs, "deliver_outbox", lambda app: runs.append(app))
    code, _receipt = file_report(client, anonymous="y")
    assert runs == []
    assert ticket(code).status in (Status.new, Status.assigned)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_a_filing_with_an_address_still_sends_its_mail(client, routing_ready, caplog):
    caplog.set_level("INFO", logger="portal.mail")
    code, _receipt = file_report(client, contact_email="dn@example.vn", contact_name="An")
    message = _db.session.scalar(sa.select(OutboxMessage))
    assert message.recipient == "dn@example.vn" and message.sent_at is not None
    assert code in caplog.text


@contextlib.contextmanager
def statements():
    seen: list[str] = []

    def collect(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split()))
    event.listen(_db.engine, "before_cursor_execute", collect)
    try:
        yield seen
    finally:
        event.remove(_db.engine, "before_cursor_execute", collect)


def _post(client, token: str, **fields):
    return client.post("/feedback/new", data={**submission(**fields), "csrf_token": token})


def test_a_successful_post_does_not_list_the_directory(app, client, routing_ready):
    """Agencies and procedures are listed to render the form; a filing that redirects does not
    need them (the router's table is built by the first filing of a directory revision)."""
    file_report(client)
    token = page_token(client, "/feedback/new")
    with statements() as seen:
        response = _post(client, token)
    assert response.status_code == 302
    assert [s for s in seen if "FROM procedures" in s or "ORDER BY agencies" in s] == []


def test_the_router_reads_the_directory_once_per_revision(app, client, routing_ready,
                                                          monkeypatch):
    """The router's sector → agencies table is kept per process (routing/holders.py): a filing
    reads the revision and loads the chosen agency by its id, nothing else from the directory.
    A change to the directory is seen by the next filing."""
    monkeypatch.setitem(app.config, "ROUTING_AUTO_ASSIGN", True)
    file_report(client, subject=CUSTOMS[0], description=CUSTOMS[1])
    token = page_token(client, "/feedback/new")
    with statements() as seen:
        response = _post(client, token, subject=CUSTOMS[0], description=CUSTOMS[1])
    filed = ticket(response.headers["Location"].split("/")[2])
    assert filed.agency.code == "HQ-KV3"
    directory = [s for s in seen if "FROM agencies" in s or "FROM agency_successions" in s]
    assert len(directory) == 1 and "WHERE agencies.id = " in directory[0], directory
    assert len([s for s in seen if "FROM directory_changes" in s]) == 1

    _db.session.execute(sa.update(Agency).where(Agency.code == "HQ-KV3")
                        .values(valid_to=date(2025, 1, 1)))
    _db.session.commit()
    code, _receipt = file_report(client, subject=CUSTOMS[0], description=CUSTOMS[1])
    assert ticket(code).agency_id != filed.agency_id


def test_a_new_report_marks_no_repeat_hold_and_is_not_read_back(client, routing_ready):
    """A report's first hold cannot repeat an earlier one: no UPDATE of hold segments. The code
    for the redirect is read before the commit, so the row just written is not selected again."""
    token, finance = page_token(client, "/feedback/new"), agency_id("HY-STC")
    with statements() as seen:
        response = _post(client, token, agency_id=str(finance))
    assert response.status_code == 302
    filed = ticket(response.headers["Location"].split("/")[2])
    assert filed.agency_id == finance
    assert _db.session.scalar(sa.select(HoldSegment.repeat_hold)
                              .where(HoldSegment.ticket_id == filed.id)) is False
    assert not [s for s in seen if s.startswith("UPDATE hold_segments")]
    last_write = max(i for i, s in enumerate(seen) if s.startswith(("INSERT", "UPDATE")))
    assert not [s for s in seen[last_write:] if "FROM tickets" in s]


def test_successors_of_a_sector_take_one_query_per_generation(client, routing_ready):
    """Planning and investment has no agency after 2025: TB-SKHDT went to TB-STC (3/2025), which
    went to HY-STC (7/2025). One query for the former agencies, one per generation after."""
    day = clock.to_local(clock.now_utc()).date()
    with statements() as seen:
        found = lookup.successors_of_sector(Sector.planning_investment, on=day)
    assert [a.code for a in found] == ["HY-STC"]
    assert len(seen) == 3, seen


def test_the_confirmation_reads_the_report_with_its_agency_in_one_query(client, routing_ready):
    response = post_report(client, agency_id=str(agency_id("HY-STC")))
    with statements() as seen:
        page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Hung Yen Department of Finance" in text(page)
    assert len(seen) == 1, seen


def test_the_confirmation_of_a_browsers_form_writes_nothing(client, routing_ready):
    """A browser sends the form's double-submit token back; showing the receipt once is kept
    in its session, not by a database write on the confirmation page."""
    import re

    page = text(client.get("/feedback/new"))
    token = re.search(r'name="submission_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/feedback/new", data={
        **submission(), "csrf_token": page_token(client, "/feedback/new"),
        "submission_token": token})
    assert response.status_code == 302
    with statements() as seen:
        confirmation = client.get(response.headers["Location"])
    assert confirmation.status_code == 200 and "receipt" in text(confirmation).lower()
    assert len(seen) == 1 and seen[0].startswith("SELECT"), seen
