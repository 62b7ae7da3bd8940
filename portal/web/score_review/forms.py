"""Forms of the scores' review: compute a draft, publish it, flag a report, decide a flag."""
from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.i18n import _l
from portal.web.admin.forms import IsoDateField
from portal.web.forms import PortalForm, choices

_REASON = [InputRequired(message=_l("Give a reason.")),
           Length(max=2000, message=_l("The text must be at most %(max)d characters."))]


class DraftForm(PortalForm):
    period = StringField(_l("Period"), validators=[
        InputRequired(message=_l("Enter the period, e.g. 2025H1.")),
        Length(max=10, message=_l("Enter the period, e.g. 2025H1."))],
        description=_l("2025H1, 2025H2, a year (2025) or a quarter (2025Q3)."))
    review_ends = IsoDateField(_l("Agencies may flag reports until"), validators=[
        InputRequired(message=_l("Enter the last day of the review."))],
        description=_l("Format YYYY-MM-DD if your browser shows no date picker."))


class PublishForm(PortalForm):
    """Only the CSRF token: the draft is in the URL."""


class FlagForm(PortalForm):
    kind = RadioField(_l("What is wrong?"), validate_choice=True, choices=choices([
        ("misrouted", _l("Misrouted: another agency is responsible")),
        ("duplicate", _l("Duplicate of another report"))]),
        validators=[InputRequired(message=_l("Choose misrouted or duplicate."))])
    reason = TextAreaField(_l("Reason"), validators=_REASON, render_kw={"rows": 2})


class DecisionForm(PortalForm):
    decision = RadioField(_l("Decision"), validate_choice=True, choices=choices([
        ("accept", _l("Accept: leave the report out of the agency's figures")),
        ("reject", _l("Reject: the report stays counted"))]),
        validators=[InputRequired(message=_l("Choose accept or reject."))])
    reason = TextAreaField(_l("Reason"), validators=_REASON, render_kw={"rows": 2})
