"""Tracking codes and secret receipts (DESIGN §6)."""
from __future__ import annotations

import hashlib
import hmac
import math
import re

import sqlalchemy as sa

from portal.models import Ticket
from portal.tickets import tracking
from tests.factories import utc

BASE32 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_codes_increase_within_a_year_and_restart_each_year(make_ticket):
    codes = [make_ticket(now=utc(2025, 3, 3, 2, 0))[0].code for _ in range(3)]
    assert codes == ["PA-2025-000001", "PA-2025-000002", "PA-2025-000003"]
    assert make_ticket(now=utc(2026, 1, 5, 2, 0))[0].code == "PA-2026-000001"
    assert make_ticket(now=utc(2026, 1, 5, 3, 0))[0].code == "PA-2026-000002"
    # A late filing dated in the earlier year continues that year's sequence.
    assert make_ticket(now=utc(2025, 12, 30, 2, 0))[0].code == "PA-2025-000004"


def test_code_year_is_the_local_year_of_receipt(make_ticket):
    # 31/12/2025 18:00 UTC is already 1/1/2026 01:00 in Hanoi.
    ticket, _ = make_ticket(now=utc(2025, 12, 31, 18, 0))
    assert ticket.code == "PA-2026-000001"


def test_receipts_carry_at_least_80_random_bits():
    receipts = [tracking.new_receipt() for _ in range(500)]
    assert all(re.fullmatch(r"[A-Z2-7]{5}(-[A-Z2-7]{5}){3}", r) for r in receipts), receipts[:3]
    symbols = {ch for r in receipts for ch in tracking.normalise_receipt(r)}
    # Every base32 symbol turns up, so each character really carries log2(32) = 5 bits.
    assert symbols == BASE32
    bits = len(tracking.normalise_receipt(receipts[0])) * math.log2(len(BASE32))
    assert bits >= 80
    assert len(set(receipts)) == len(receipts)


def test_receipt_is_stored_only_as_a_keyed_hash(app, db, make_ticket):
    ticket, receipt = make_ticket(contact_name="Nguyễn Văn A")
    key = app.config["RECEIPT_KEY"]
    clear = tracking.normalise_receipt(receipt)
    expected = hmac.new(key.encode(), clear.encode(), hashlib.sha256).hexdigest()
    assert ticket.receipt_hash == expected
    assert ticket.receipt_hash != hashlib.sha256(clear.encode()).hexdigest()  # keyed, not bare
    db.session.expire_all()
    # No column of any row in any table holds the receipt, with or without dashes.
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            for value in row:
                text = str(value).upper()
                assert receipt not in text and clear not in text, (table.name, value)


def test_normalise_receipt_ignores_case_spaces_and_dashes():
    assert tracking.normalise_receipt("k7qf2-mz4ta 9xw3b-ple6d") == "K7QF2MZ4TA9XW3BPLE6D"
    assert tracking.hash_receipt("k7qf2mz4ta9xw3bple6d", "k") == tracking.hash_receipt(
        " K7QF2-MZ4TA-9XW3B-PLE6D ", "k")
    assert tracking.hash_receipt("K7QF2-MZ4TA-9XW3B-PLE6D", "k") != tracking.hash_receipt(
        "K7QF2-MZ4TA-9XW3B-PLE6D", "other key")


def test_find_for_reporter_accepts_sloppy_typing(app, make_ticket):
    ticket, receipt = make_ticket()
    key = app.config["RECEIPT_KEY"]
    assert tracking.find_for_reporter(ticket.code, receipt, key) == ticket
    sloppy = receipt.lower().replace("-", " ")
    assert tracking.find_for_reporter(f"  {ticket.code.lower()} ", sloppy, key) == ticket


def test_unknown_code_and_wrong_receipt_look_the_same(app, make_ticket):
    key = app.config["RECEIPT_KEY"]
    first, first_receipt = make_ticket()
    second, second_receipt = make_ticket()
    wrong_receipt = tracking.find_for_reporter(first.code, tracking.new_receipt(), key)
    unknown_code = tracking.find_for_reporter("PA-1999-000001", first_receipt, key)
    assert wrong_receipt is None and unknown_code is None
    # Another report's receipt opens only that report.
    assert tracking.find_for_reporter(first.code, second_receipt, key) is None
    assert tracking.find_for_reporter(second.code, second_receipt, key) == second
    assert tracking.find_for_reporter(first.code, "", key) is None
    assert tracking.find_for_reporter("", "", key) is None
    # The right receipt under another server key opens nothing.
    assert tracking.find_for_reporter(first.code, first_receipt, key + "x") is None


def test_code_lookup_matches_the_stored_code(db, make_ticket):
    ticket, _ = make_ticket(now=utc(2025, 6, 2, 3, 0))
    stored = db.session.scalar(sa.select(Ticket.code).where(Ticket.id == ticket.id))
    assert stored == ticket.code == "PA-2025-000001"
