"""Forms the reporter uses on the tracking page."""
from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.i18n import _l
from portal.web.forms import AT_MOST, PortalForm, choices


class TrackForm(PortalForm):
    code = StringField(_l("Tracking code"), validators=[
        InputRequired(message=_l("Enter the tracking code.")), Length(max=40, message=AT_MOST)],
        render_kw={"autocomplete": "off", "placeholder": "PA-2026-000123"})
    receipt = StringField(_l("Secret receipt"), validators=[
        InputRequired(message=_l("Enter the secret receipt.")), Length(max=60, message=AT_MOST)],
        render_kw={"autocomplete": "off", "spellcheck": "false"})


class ReplyForm(PortalForm):
    body = TextAreaField(_l("Your reply"), validators=[
        InputRequired(message=_l("Write your reply.")),
        Length(max=10_000, message=_l("The text must be at most %(max)d characters."))],
        render_kw={"rows": 5})


class RateForm(PortalForm):
    score = RadioField(_l("How satisfied are you with the answer?"), validate_choice=False,
                       choices=choices([("5", _l("5 — very satisfied")), ("4", _l("4 — satisfied")),
                                ("3", _l("3 — neutral")), ("2", _l("2 — dissatisfied")),
                                ("1", _l("1 — very dissatisfied"))]),
                       validators=[InputRequired(message=_l("Choose a rating from 1 to 5."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[
        Length(max=10_000, message=_l("The text must be at most %(max)d characters."))],
        render_kw={"rows": 3})


class ReopenForm(PortalForm):
    reason = TextAreaField(_l("Why does the answer not resolve your problem?"), validators=[
        InputRequired(message=_l("Say why the answer does not resolve your problem.")),
        Length(max=10_000, message=_l("The text must be at most %(max)d characters."))],
        render_kw={"rows": 4})
