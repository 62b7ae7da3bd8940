"""The administrator's forms: calendar overrides, time limits per category, audit filters."""
from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, StringField
from wtforms.validators import (AnyOf, DataRequired, InputRequired, Length, NumberRange,
                                Optional, StopValidation)

from portal.audit import AuditFilter
from portal.deadlines.policy import DEFAULT_POLICY, ClockPolicy
from portal.i18n import _l
from portal.models import CalendarOverride
from portal.web.forms import AT_MOST, PortalForm, choices

NOTE_MAX = CalendarOverride.__table__.c.note.type.length
DAYS_MAX = 365
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BAD_DATE = _l("Enter a real date as YYYY-MM-DD, e.g. 2026-02-16.")
_NOT_WHOLE = _l("Enter a whole number of working days.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def parse_iso_date(raw: str) -> date | None:
    """A YYYY-MM-DD date, or None (fromisoformat alone also takes "20260216", "2026-W08-1")."""
    if not _ISO_DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


class IsoDateField(DateField):
    """A YYYY-MM-DD date whose parse error is ours (translated), not WTForms' built-in one."""

    def process_formdata(self, valuelist):
        raw = _strip(valuelist[0]) if valuelist else ""
        self.data = parse_iso_date(raw) if raw else None
        if raw and self.data is None:
            raise ValueError(_BAD_DATE)

    def pre_validate(self, form):
        if self.process_errors:  # one message is enough: skip "required" on a bad date
            raise StopValidation()


class DaysField(IntegerField):
    """A whole number of working days; the parse error is ours (translated)."""

    def process_formdata(self, valuelist):
        raw = _strip(valuelist[0]) if valuelist else ""
        self.data = None
        if raw:
            if not _WHOLE_NUMBER.fullmatch(raw):  # int() would also take "1_0" and "١٠"
                raise ValueError(_NOT_WHOLE)
            self.data = int(raw)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class OverrideForm(PortalForm):
    day = IsoDateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date."))],
                       description=_l("Format YYYY-MM-DD if your browser shows no date picker."))
    kind = RadioField(_l("What changes on that day?"), validate_choice=False, choices=choices([
        ("off", _l("Extra day off")), ("working", _l("Working day (swapped Saturday)"))]),
        validators=[InputRequired(message=_l("Choose a day off or a working day.")),
                    AnyOf(["off", "working"], message=_l("Choose a day off or a working day."))])
    note = StringField(_l("Note"), filters=[_strip], validators=[
        DataRequired(message=_l("Write a note, e.g. the notice that announced the change.")),
        Length(max=NOTE_MAX, message=_l("The note must be at most %(max)d characters."))],
        description=_l("For example the notice that announced the change."))

    @property
    def working(self) -> bool:
        return self.kind.data == "working"


class DeleteOverrideForm(PortalForm):
    """The delete button of one row: only the CSRF token."""


class SaveForm(PortalForm):
    """The CSRF token of the time-limits page; each category has its own PolicyForm."""


def _days(label, default: int, minimum: int = 0):
    return DaysField(label, render_kw={"min": minimum, "max": DAYS_MAX, "inputmode": "numeric"},
                     description=_l("Default: %(days)d.", days=default), validators=[
                         InputRequired(message=_l("Enter a number of working days.")),
                         NumberRange(min=minimum, max=DAYS_MAX, message=_l(
                             "Enter a number from %(min)d to %(max)d."))])


class PolicyForm(FlaskForm):
    """One category's time limits; the page carries one per category (prefixed by its code)."""
    class Meta:
        csrf = False  # SaveForm carries the page's token

    ack_days = _days(_l("Acknowledge within (working days)"), DEFAULT_POLICY.ack_days)
    transfer_days = _days(_l("Transfer a misrouted report within (working days)"),
                          DEFAULT_POLICY.transfer_days)
    answer_days = _days(_l("Answer within (working days)"), DEFAULT_POLICY.answer_days, minimum=1)
    extension_days = _days(_l("One extension of (working days)"), DEFAULT_POLICY.extension_days)

    def to_policy(self) -> ClockPolicy:
        return ClockPolicy(ack_days=self.ack_days.data, transfer_days=self.transfer_days.data,
                           answer_days=self.answer_days.data,
                           extension_days=self.extension_days.data)


class AuditFilterForm(FlaskForm):
    """GET filters of the audit log: no state change, so no CSRF token."""
    class Meta:
        csrf = False

    actor = StringField(_l("Staff member (username)"), filters=[_strip],
                        validators=[Length(max=80, message=AT_MOST)])
    action = StringField(_l("Action"), filters=[_strip], validators=[Length(max=60, message=AT_MOST)],
                         description=_l("For example “ticket” for every action on reports, or “login.failed”."))
    ticket = StringField(_l("Report code"), filters=[_strip], validators=[Length(max=20, message=AT_MOST)])
    since = IsoDateField(_l("From (YYYY-MM-DD)"), validators=[Optional()])
    until = IsoDateField(_l("Until (YYYY-MM-DD)"), validators=[Optional()])

    def to_filter(self) -> AuditFilter:
        return AuditFilter(actor=self.actor.data or "", action=self.action.data or "",
                           ticket_code=self.ticket.data or "", since=self.since.data,
                           until=self.until.data)
