"""What demo stories are drawn from, read from the database: directory, policies, calendar,
and the accounts that act in them."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.deadlines import settings
from portal.deadlines.working_days import local_day
from portal.demo.calendar import WorkdayIndex
from portal.demo.rows import Actors
from portal.demo.stories import AgencyInfo, World, window
from portal.extensions import db
from portal.models import Agency, Procedure, Role, User

# Due dates of the last reports reach past today (an answer may be weeks late, then escalated).
_HORIZON = timedelta(days=400)


def load_world(now: datetime) -> World:
    first, last = window(local_day(now))
    procedures: dict[int, list[int]] = defaultdict(list)
    for procedure_id, agency_id in db.session.execute(
            sa.select(Procedure.id, Procedure.agency_id).order_by(Procedure.id)):
        procedures[agency_id].append(procedure_id)
    agencies = [AgencyInfo(a.id, a.code, a.sector.value, a.group.value, a.locality, a.valid_from,
                           a.valid_to, tuple(procedures[a.id]))
                for a in db.session.scalars(sa.select(Agency).order_by(Agency.code))]
    policies = {category.value: policy for category, policy in settings.policies().items()}
    index = WorkdayIndex(first - timedelta(days=30), local_day(now) + _HORIZON,
                         settings.work_calendar())
    return World(agencies, policies, index, now, first, last)


def load_actors() -> Actors:
    officer: dict[int, int] = {}
    head: dict[int, int] = {}
    coordinator = clerk = None
    rows = db.session.execute(sa.select(User.id, User.role, User.agency_id)
                              .where(User.active.is_(True)).order_by(User.id))
    for user_id, role, agency_id in rows:
        if role == Role.officer:
            officer.setdefault(agency_id, user_id)
        elif role == Role.head:
            head.setdefault(agency_id, user_id)
        elif role == Role.coordinator and coordinator is None:
            coordinator = user_id
        elif role == Role.clerk and clerk is None:
            clerk = user_id
    return Actors(officer, head, coordinator, clerk)
