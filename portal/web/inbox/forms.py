"""Agency inbox: filters and one small form per action, each carrying the report's version."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length
from flask_wtf import FlaskForm

from portal.i18n import _l
from portal.models.vocab import CATEGORY_LABELS, STATUS_LABELS
from portal.web.forms import PortalForm, choices

_TEXT_MAX = Length(max=10_000, message=_l("The text must be at most %(max)d characters."))


class FilterForm(FlaskForm):
    """GET filters: no state change, so no CSRF token."""
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False,
                         choices=choices([("", _l("Any status"))] + [(k.value, v) for k, v in STATUS_LABELS.items()]))
    category = SelectField(_l("Category"), validate_choice=False,
                           choices=choices([("", _l("Any category"))] + [(k.value, v) for k, v in CATEGORY_LABELS.items()]))
    overdue = BooleanField(_l("Overdue only"))
    after = HiddenField()


class VersionedForm(PortalForm):
    version = IntegerField(widget=HiddenField.widget, validators=[
        InputRequired(message=_l("This page is out of date. Reload it and try again."))])


class AcknowledgeForm(VersionedForm):
    pass


class CloseForm(VersionedForm):
    pass


class RequestInfoForm(VersionedForm):
    body = TextAreaField(_l("What do you need from the reporter?"), validators=[
        InputRequired(message=_l("Write what you need from the reporter.")), _TEXT_MAX],
        render_kw={"rows": 3})


class AnswerForm(VersionedForm):
    body = TextAreaField(_l("Public answer"), validators=[
        InputRequired(message=_l("Write the answer.")), _TEXT_MAX], render_kw={"rows": 6},
        description=_l("Published to the reporter. Do not include personal data."))
    legal_basis = StringField(_l("Legal basis (optional)"), validators=[
        Length(max=500, message=_l("The legal basis must be at most 500 characters."))],
        render_kw={"placeholder": _l("e.g. Decree 01/2021/NĐ-CP, Article 33")})


class NoteForm(VersionedForm):
    body = TextAreaField(_l("Internal note"), validators=[
        InputRequired(message=_l("Write the note.")), _TEXT_MAX], render_kw={"rows": 3},
        description=_l("Only staff see notes."))


class TransferForm(VersionedForm):
    reason = TextAreaField(_l("Why is this report not for your agency?"), validators=[
        InputRequired(message=_l("Say why this report is not for your agency.")), _TEXT_MAX],
        render_kw={"rows": 3})


class ExtendForm(VersionedForm):
    reason = TextAreaField(_l("Why does the agency need more time?"), validators=[
        InputRequired(message=_l("Give the reason for the extension.")), _TEXT_MAX],
        render_kw={"rows": 3})
    apology = TextAreaField(_l("Apology to the reporter"), validators=[
        InputRequired(message=_l("Write the apology the reporter will see.")), _TEXT_MAX],
        render_kw={"rows": 3},
        description=_l("Shown to the reporter with the new deadline (Decree 61/2018)."))


ACTION_FORMS = {
    "acknowledge": AcknowledgeForm, "request_info": RequestInfoForm, "answer": AnswerForm,
    "note": NoteForm, "transfer": TransferForm, "close": CloseForm, "extend": ExtendForm,
}


class RevealForm(PortalForm):
    """The inspector's reason for opening a harassment reporter's identity."""
    reason = TextAreaField(_l("Why do you need to see who filed this report?"), validators=[
        InputRequired(message=_l("Give the reason; the reporter will see it.")),
        Length(max=500, message=_l("The reason must be at most %(max)d characters."))],
        description=_l("The reporter sees this reason on their tracking page, and the audit "
                       "log keeps it. The agency is not told."))
