"""Keyset pages of the inbox and triage lists (issue 8): priority first, then answer deadline,
then id; every report exactly once across page boundaries that fall inside ties and across the
priority boundary; previous links give back the same pages; a report filed meanwhile does not
shift the pages. Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from portal.tickets import queries
from tests.factories import make_user, utc

DAY1 = utc(2024, 5, 6, 2, 0)  # a Monday; the 2023 directory is valid
URGENT = "Khẩn cấp: nhà máy phải ngừng sản xuất vì hồ sơ chậm"
CALM = "Hồ sơ cấp phép xây dựng chậm trả kết quả"


@pytest.fixture
def filed(make_ticket, directory):
    """13 reports over 3 filing days (so 3 answer deadlines, each shared: ties), 4 priority."""
    plan = [(0, CALM), (0, URGENT), (0, CALM), (1, CALM), (0, CALM), (2, URGENT), (1, CALM),
            (2, CALM), (1, URGENT), (2, CALM), (0, CALM), (1, URGENT), (2, CALM)]
    tickets = []
    for n, (day, subject) in enumerate(plan):
        ticket, _receipt = make_ticket(agency_code="TB-SXD", subject=subject,
                                       now=DAY1 + timedelta(days=day, minutes=n))
        tickets.append(ticket)
    assert sum(t.priority for t in tickets) == 4
    assert len({t.answer_due for t in tickets}) == 3
    return tickets


def expected_order(tickets):
    return [t.code for t in sorted(tickets, key=lambda t: (not t.priority, t.answer_due, t.id))]


def walk_forward(fetch):
    pages, after = [], None
    while True:
        page = fetch(after=after)
        pages.append(page)
        if page.next is None:
            return pages
        after = page.next


def codes(page) -> list[str]:
    return [t.code for t in page.items]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 13, 14])
def test_inbox_pages_cover_every_report_once_in_order(app, db, filed, size):
    head = make_user("head-sxd", "head", "TB-SXD")
    fetch = lambda **kw: queries.inbox(head, queries.InboxFilter(), now=DAY1, size=size, **kw)  # noqa: E731
    pages = walk_forward(fetch)
    assert [c for p in pages for c in codes(p)] == expected_order(filed)
    assert all(len(p.items) == size for p in pages[:-1]) and 0 < len(pages[-1].items) <= size
    assert pages[0].previous is None
    # Back from the last page through the previous links: the same pages, in reverse.
    back, page = [pages[-1]], pages[-1]
    while page.previous is not None:
        page = fetch(before=page.previous)
        back.append(page)
    assert [codes(p) for p in reversed(back)] == [codes(p) for p in pages]


def test_triage_pages_follow_the_same_order(app, db, make_ticket, directory):
    tickets = [make_ticket(subject=URGENT if n % 4 == 0 else CALM,
                           now=DAY1 + timedelta(days=n % 2, minutes=n))[0] for n in range(7)]
    make_ticket(agency_code="TB-SXD", now=DAY1)  # assigned: not in triage
    pages = walk_forward(lambda **kw: queries.triage(size=3, **kw))
    assert [c for p in pages for c in codes(p)] == expected_order(tickets)


def test_a_report_filed_between_pages_does_not_shift_them(app, db, filed, make_ticket):
    head = make_user("head-sxd", "head", "TB-SXD")
    first = queries.inbox(head, queries.InboxFilter(), now=DAY1, size=5)
    # Sorts before the cursor (priority, earliest deadline): it belongs to page one now.
    make_ticket(agency_code="TB-SXD", subject=URGENT, now=DAY1 - timedelta(days=3))
    second = queries.inbox(head, queries.InboxFilter(), now=DAY1, size=5, after=first.next)
    order = expected_order(filed)
    assert codes(first) == order[:5] and codes(second) == order[5:10]


def test_a_previous_link_near_the_start_gives_a_full_first_page(app, db, filed):
    head = make_user("head-sxd", "head", "TB-SXD")
    order = expected_order(filed)
    third = queries.Cursor.of(next(t for t in filed if t.code == order[2]))
    page = queries.inbox(head, queries.InboxFilter(), now=DAY1, size=5, before=third)
    assert codes(page) == order[:5] and page.previous is None and page.next is not None


def test_filters_apply_within_the_order(app, db, filed, make_ticket):
    make_ticket(agency_code="TB-SXD", category="policy", subject=URGENT, now=DAY1)
    head = make_user("head-sxd", "head", "TB-SXD")
    page = queries.inbox(head, queries.InboxFilter(category="policy"), now=DAY1, size=10)
    assert [t.category.value for t in page.items] == ["policy"] and page.next is None
    officer = make_user("officer-skhdt", "officer", "TB-SKHDT")
    assert queries.inbox(officer, queries.InboxFilter(), now=DAY1, size=10).items == []


def test_cursor_tokens_round_trip_and_bad_ones_are_ignored(filed):
    cursor = queries.Cursor.of(filed[1])
    assert queries.Cursor.parse(cursor.token()) == cursor
    for bad in (None, "", "1.2.3", "x.20240506T000000000000.1", "1.2024.1", "2.20240506T000000000000.1",
                "1.20240506T000000000000.-1", "1.20240506T000000000000." + "9" * 30):
        assert queries.Cursor.parse(bad) is None, bad
