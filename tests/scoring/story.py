"""Reports for the scoring tests, built through the real services (intake, workflow).

Every report is received on Monday 3 March 2025 at 09:00 in Hanoi: the acknowledgement is due
at the end of Tue 4/3 and the answer at the end of Mon 31/3 (20 working days; no holiday in
March). ``d`` below is a number of working days after 3/3.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from portal.clock import LOCAL_TZ
from portal.extensions import db
from portal.models import Agency, AgencyGroup, Role, Sector, User
from portal.tickets import workflow
from tests import factories

RECEIVED = datetime(2025, 3, 3, 9, 0, tzinfo=LOCAL_TZ)
# The day that is d working days after Mon 3/3/2025.
WORKING_DAY = {0: date(2025, 3, 3), 1: date(2025, 3, 4), 2: date(2025, 3, 5), 3: date(2025, 3, 6),
               4: date(2025, 3, 7), 5: date(2025, 3, 10), 8: date(2025, 3, 13),
               10: date(2025, 3, 17), 12: date(2025, 3, 19), 15: date(2025, 3, 24),
               21: date(2025, 4, 1)}
ACK_ON_TIME = datetime(2025, 3, 3, 15, 0, tzinfo=LOCAL_TZ)
ACK_LATE = datetime(2025, 3, 5, 10, 0, tzinfo=LOCAL_TZ)  # due at the end of 4/3


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LOCAL_TZ)


@dataclass(frozen=True)
class Story:
    """One report's life: category, acknowledgement ("on", "late" or None: the answer
    acknowledges it), answer after ``answer`` working days (None: never answered), legal basis,
    the reporter's rating, and a reopening answered again the same day (with a legal basis)."""
    category: str = "delay"
    ack: str | None = "on"
    answer: int | None = 5
    basis: bool = True
    rating: int | None = None
    reopen: bool = False


def make_agency(code: str, group: AgencyGroup, *, valid_from: date = date(2020, 1, 1),
                valid_to: date | None = None) -> Agency:
    """A directory entry of its own, so the tests do not depend on the shipped directory."""
    agency = Agency(code=code, name_vi=f"Cơ quan {code}", name_en=f"Agency {code}",
                    sector=Sector.other, group=group, valid_from=valid_from, valid_to=valid_to)
    db.session.add(agency)
    db.session.commit()
    factories.make_user(f"head.{code.lower()}", Role.head, code)
    return agency


def head(agency: Agency) -> User:
    return db.session.scalar(sa.select(User).where(User.username == f"head.{agency.code.lower()}"))


def live(config, agency: Agency, story: Story, *, received: datetime = RECEIVED):
    """File the report to ``agency`` and play ``story`` through the workflow."""
    ticket, _receipt = factories.make_ticket(config, agency_code=agency.code,
                                             category=story.category, now=received)
    actor = head(agency)
    if story.ack:
        workflow.acknowledge(ticket, actor=actor, now=ACK_ON_TIME if story.ack == "on" else ACK_LATE,
                             expected_version=None)
    if story.answer is not None:
        day = WORKING_DAY[story.answer]
        workflow.answer(ticket, "Trả lời", "Nghị định 61/2018/NĐ-CP" if story.basis else "",
                        actor=actor, now=at(day, 10), expected_version=None)
        if story.rating is not None:
            workflow.rate(ticket, story.rating, "", now=at(day, 11), config=config)
        if story.reopen:
            workflow.reopen(ticket, "Chưa giải quyết", now=at(day, 12), config=config)
            workflow.answer(ticket, "Trả lời lại", "Luật Doanh nghiệp 2020", actor=actor,
                            now=at(day, 15), expected_version=None)
    db.session.commit()
    return ticket
