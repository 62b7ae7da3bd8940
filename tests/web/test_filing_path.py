"""The filing path stays lean (issue 8): no corpus read or model training per report, no mail
round trip when there is no mail, the directory lists only to render the form. Behaviour, not
timing: each test fails if the expensive step comes back."""
from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from portal import jobs
from portal.extensions import db as _db
from portal.models import OutboxMessage, RoutingSuggestion, Status
from portal.routing import classifier, corpus, models_cache
from tests.helpers import page_token
from tests.web.support import file_report, submission, ticket


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
    need them."""
    token = page_token(client, "/feedback/new")
    with statements() as seen:
        response = _post(client, token)
    assert response.status_code == 302
    assert [s for s in seen if "FROM procedures" in s or "FROM directory_changes" in s] == []
