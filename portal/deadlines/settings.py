"""The administrator's calendar overrides and SLA policies, read from the database."""
from __future__ import annotations

from datetime import date, datetime
from types import MappingProxyType

import sqlalchemy as sa

from flask_babel import format_date

from portal import audit
from portal.deadlines.policy import DEFAULT_POLICY, ClockPolicy

from portal.deadlines.working_days import WorkCalendar, is_working_day
from portal.errors import ValidationFailed
from portal.i18n import _
from portal.extensions import db
from portal.models import CalendarOverride, Category, SlaPolicy, User


def work_calendar() -> WorkCalendar:
    rows = db.session.execute(sa.select(CalendarOverride.day, CalendarOverride.working))
    return WorkCalendar(MappingProxyType({day: working for day, working in rows}))


def policy_for(category: Category) -> ClockPolicy:
    row = db.session.get(SlaPolicy, Category(category))
    if row is None:
        return DEFAULT_POLICY
    return ClockPolicy(ack_days=row.ack_days, transfer_days=row.transfer_days,
                       answer_days=row.answer_days, extension_days=row.extension_days)


def policies() -> dict[Category, ClockPolicy]:
    return {category: policy_for(category) for category in Category}


def set_policy(category: Category, policy: ClockPolicy, *, now: datetime,
               actor: User | None = None) -> None:
    """Store the category's policy and audit the change. Flushes."""
    row = db.session.get(SlaPolicy, Category(category)) or SlaPolicy(category=Category(category))
    row.ack_days, row.transfer_days = policy.ack_days, policy.transfer_days
    row.answer_days, row.extension_days = policy.answer_days, policy.extension_days
    row.updated_at = now
    db.session.add(row)
    audit.record(db.session, actor=actor, action="sla.saved", subject=Category(category).value,
                 at=now, detail={"ack_days": policy.ack_days, "transfer_days": policy.transfer_days,
                                 "answer_days": policy.answer_days,
                                 "extension_days": policy.extension_days})
    db.session.flush()


def set_override(day: date, *, working: bool, note: str, now: datetime) -> None:
    row = db.session.get(CalendarOverride, day) or CalendarOverride(day=day)
    row.working, row.note, row.updated_at = working, note, now
    db.session.add(row)
    db.session.flush()


def add_override(day: date, *, working: bool, note: str, now: datetime,
                 actor: User | None = None) -> None:
    """Add a day off or a working day to the calendar and audit it. Flushes.

    :raises ValidationFailed: when the date is already in the table, or the entry would
        change nothing (a working day on a working day, a day off on a day off).
    """
    shown = format_date(day, "full")
    if db.session.get(CalendarOverride, day) is not None:
        problem = _("%(date)s is already in the table. Delete it first to change it.", date=shown)
    elif working and is_working_day(day):
        problem = _("%(date)s is already a working day.", date=shown)
    elif not working and not is_working_day(day):
        problem = _("%(date)s is already a day off in the national calendar.", date=shown)
    else:
        set_override(day, working=working, note=note, now=now)
        audit.record(db.session, actor=actor, action="calendar.added", subject=day.isoformat(),
                     at=now, detail={"working": working, "note": note})
        return
    raise ValidationFailed([("day", problem)])


def remove_override(day: date, *, actor: User | None = None) -> bool:
    """Remove the day's entry and audit it; False when there was none. Flushes."""
    row = db.session.get(CalendarOverride, day)
    if row is None:
        return False
    db.session.delete(row)
    audit.record(db.session, actor=actor, action="calendar.removed", subject=day.isoformat(),
                 detail={"working": row.working, "note": row.note})
    db.session.flush()
    return True


def overrides() -> list[CalendarOverride]:
    return list(db.session.scalars(sa.select(CalendarOverride).order_by(CalendarOverride.day)))
