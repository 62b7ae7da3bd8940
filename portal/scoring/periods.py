"""Scoring periods: a year (``2025``), a half-year (``2025H1``, ``2025H2``) or a quarter
(``2025Q3``). Dates are inclusive local (Asia/Ho_Chi_Minh) calendar dates."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.deadlines.working_days import start_of_day_utc

_CODE = re.compile(r"(?P<year>[0-9]{4})(?:(?P<kind>[HQ])(?P<part>[0-9]))?")
_PARTS = {"H": 2, "Q": 4}


@dataclass(frozen=True)
class Period:
    code: str
    start: date
    end: date

    @property
    def starts_at(self) -> datetime:
        """The first instant (UTC) of the period."""
        return start_of_day_utc(self.start)

    @property
    def ends_before(self) -> datetime:
        """The first instant (UTC) after the period."""
        return start_of_day_utc(self.end + timedelta(days=1))

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if len(self.code) == 4:
            return parse_period(str(int(self.code) - 1))
        return parse_period(_previous_part(self))

    def __str__(self) -> str:
        return self.code


def _previous_part(period: Period) -> str:
    year, kind, part = int(period.code[:4]), period.code[4], int(period.code[5:])
    if part > 1:
        return f"{year}{kind}{part - 1}"
    return f"{year - 1}{kind}{_PARTS[kind]}"


def parse_period(code: str) -> Period:
    """``2025``, ``2025H1``/``2025H2`` or ``2025Q1``…``2025Q4`` (case-insensitive).

    :raises ValueError: for anything else, with a message that says what is accepted.
    """
    text = (code or "").strip().upper()
    match = _CODE.fullmatch(text)
    if (match is None or not 2000 <= int(match["year"]) <= 2100
            or (match["kind"] and not 1 <= int(match["part"]) <= _PARTS[match["kind"]])):
        raise ValueError(f"unknown period {code!r}: use a year (2025), a half-year "
                         f"(2025H1, 2025H2) or a quarter (2025Q1 … 2025Q4)")
    year = int(match["year"])
    if match["kind"] is None:
        return Period(text, date(year, 1, 1), date(year, 12, 31))
    kind, part = match["kind"], int(match["part"])
    count = _PARTS[kind]
    months = 12 // count
    first_month = (part - 1) * months + 1
    start = date(year, first_month, 1)
    after = date(year + 1, 1, 1) if part == count else date(year, first_month + months, 1)
    return Period(text, start, after - timedelta(days=1))
