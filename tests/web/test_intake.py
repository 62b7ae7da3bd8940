"""Staff intake at /intake/new: a clerk files for a hotline caller or a counter visitor."""
from __future__ import annotations

import pytest

from portal.models import Channel, EventKind, Status
from tests.web.support import (RECEIPT_RE, agency_id, error_summary, events, file_report,
                               input_value, post_report, text, textarea, ticket, ticket_count,
                               track)

URL = "/intake/new"


@pytest.fixture
def clerk(staff, directory):
    return staff("clerk")


def test_intake_form_offers_staff_channels_only(clerk):
    page = text(clerk.get(URL))
    for value in ("hotline", "counter", "zalo", "email", "mail"):
        assert f'value="{value}"' in page
    assert 'value="web"' not in page and 'value="api"' not in page


@pytest.mark.parametrize("channel", ["hotline", "counter"])
def test_clerk_files_with_the_channel_recorded(clerk, new_client, channel):
    code, receipt = file_report(clerk, URL, channel=channel, agency_id=agency_id("HY-THUE"),
                                contact_name="Người gọi đường dây nóng",
                                contact_phone="0227 3831 234")
    filed = ticket(code)
    assert filed.channel == Channel(channel)
    assert filed.status == Status.assigned and filed.agency.code == "HY-THUE"
    assert filed.filed_by_id is not None
    assert filed.contact_phone == "0227 3831 234"
    first = events(code)[0]
    assert first.kind == EventKind.filed and first.actor_id == filed.filed_by_id
    # The caller can follow it with the code and receipt the clerk read out.
    caller = new_client()
    assert track(caller, code, receipt).status_code == 302
    assert caller.get(f"/track/{code}").status_code == 200


def test_receipt_is_shown_to_the_clerk_once(clerk):
    response = post_report(clerk, URL, channel="counter")
    assert response.status_code == 302
    received_url = response.headers["Location"]
    assert RECEIPT_RE.search(text(clerk.get(received_url)))
    assert not RECEIPT_RE.search(text(clerk.get(received_url)))


@pytest.mark.parametrize("channel", ["web", "api", "fax", ""])
def test_non_staff_channel_is_rejected(clerk, channel):
    response = post_report(clerk, URL, channel=channel, subject="Gọi về thuế",
                           description="Người gọi phản ánh hoàn thuế chậm 3 tháng.")
    assert response.status_code == 422
    page = text(response)
    assert "Choose the channel the report came through." in error_summary(page)
    assert input_value(page, "subject") == "Gọi về thuế"
    assert textarea(page, "description") == "Người gọi phản ánh hoàn thuế chậm 3 tháng."
    assert ticket_count() == 0


def test_coordinator_may_also_take_a_call(staff, directory):
    code, _ = file_report(staff("coordinator"), URL, channel="zalo")
    assert ticket(code).channel == Channel.zalo


def test_public_form_ignores_a_channel_field(client, directory):
    code, _ = file_report(client, channel="hotline")
    assert ticket(code).channel == Channel.web
