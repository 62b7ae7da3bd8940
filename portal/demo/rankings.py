"""When the demo's association publishes rankings: each complete half-year of the demo window
is drafted on the first working day after it ends, open to the agencies' review for two
weeks, and published on the next working day, as Plan 39's 15 June / 15 December rhythm
suggests."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.demo.calendar import WorkdayIndex, at_local
from portal.scoring.periods import Period, parse_period

REVIEW_DAYS = 14
OFFICE_OPENS = 8 * 60  # 08:00 local


@dataclass(frozen=True)
class Publication:
    period: Period
    draft_at: datetime
    review_ends: date
    publish_at: datetime


def schedule(first_day: date, last_day: date, index: WorkdayIndex,
             now: datetime) -> list[Publication]:
    """The half-years from ``first_day`` to ``last_day`` (the days with reports) whose
    publication falls before ``now``."""
    publications = []
    year, half = first_day.year, 1 if first_day.month <= 6 else 2
    while True:
        period = parse_period(f"{year}H{half}")
        draft_day = index.add(period.end, 1)
        review_ends = draft_day + timedelta(days=REVIEW_DAYS)
        publish_at = at_local(index.add(review_ends, 1), OFFICE_OPENS)
        if publish_at > now or period.start > last_day:
            return publications
        publications.append(Publication(period, at_local(draft_day, OFFICE_OPENS), review_ends,
                                        publish_at))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
