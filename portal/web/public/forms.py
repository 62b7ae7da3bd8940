"""The reporter's filing form."""
from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, HiddenField, RadioField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import InputRequired, Length, Optional, Regexp

from portal.directory.form_lists import FormLists
from portal.i18n import _, _l
from portal.models.ticket import DESCRIPTION_MAX, SUBJECT_MAX
from portal.models.vocab import CATEGORY_LABELS
from portal.tickets.attachments import Upload
from portal.tickets.intake import Submission
from portal.web import directory_choices
from portal.web.forms import AT_MOST, PortalForm, choices
from portal.web.select_widget import LongSelect


def _optional_id(value):
    """Empty means "don't know"; anything not a number becomes an id no row has."""
    if value in (None, "", "0"):
        return None
    return int(value) if str(value).isdigit() else -1


class SubmissionForm(PortalForm):
    commune_note: str | None = None  # the old-address suggestion shown above the commune picker
    # One per rendering of the form: sending it twice files one report (tickets/form_replays.py).
    submission_token = HiddenField(validators=[Optional(), Regexp(
        r"^[A-Za-z0-9_-]{16,64}$", message=_l("This form is out of date. Reload the page."))])
    category = RadioField(_l("What is the problem?"),
                          choices=choices([(k.value, v) for k, v in CATEGORY_LABELS.items()]),
                          validators=[InputRequired(message=_l("Choose what the report is about."))],
                          validate_choice=False)
    agency_id = SelectField(_l("Agency concerned (if known)"), coerce=_optional_id,
                            validators=[Optional()], validate_choice=False, widget=LongSelect(),
                            description=_l("Leave as “I don't know” and the portal will route it."))
    procedure_id = SelectField(_l("Administrative procedure (if known)"), coerce=_optional_id,
                               validators=[Optional()], validate_choice=False, widget=LongSelect())
    dossier_number = StringField(_l("Dossier number (mã hồ sơ), if any"), validators=[
        Length(max=60, message=_l("The dossier number must be at most 60 characters."))])
    subject = StringField(_l("Subject"), validators=[
        InputRequired(message=_l("Enter a short subject.")),
        Length(max=SUBJECT_MAX, message=_l("The subject must be at most %(max)d characters."))])
    description = TextAreaField(_l("What happened?"), validators=[
        InputRequired(message=_l("Describe what happened.")),
        Length(max=DESCRIPTION_MAX, message=_l("The description must be at most %(max)d characters."))],
        description=_l("Dates, places, the office or counter, what was asked of you. "
                       "Do not name yourself here if you want to stay anonymous."),
        render_kw={"rows": 8})
    commune = SelectField(_l("Commune or ward (xã, phường) concerned"), coerce=_optional_id,
                          validators=[Optional()], validate_choice=False, widget=LongSelect(),
                          description=_l("Since 1/7/2025 there are no districts: choose the commune "
                                         "or ward."))
    commune_level = BooleanField(_l("The problem is with this commune's or ward's People's "
                                    "Committee"))
    locality = StringField(
        _l("Address before 1/7/2025, or another place"), validators=[Length(max=120, message=AT_MOST)],
        description=_l("Only know the old address (xã, huyện, tỉnh Thái Bình)? Type it and press "
                       "“Find the new commune”; check the suggestion before sending."))
    find_commune = SubmitField(_l("Find the new commune"))
    # The old address the portal last suggested a commune for: the reporter has seen it.
    address_checked = HiddenField()
    anonymous = BooleanField(_l("File anonymously (no name, no contact details are kept)"))
    business_name = StringField(_l("Business name"), validators=[Length(max=200, message=AT_MOST)])
    contact_name = StringField(_l("Your name"), validators=[Length(max=120, message=AT_MOST)])
    contact_email = StringField(_l("E-mail"), validators=[Length(max=254, message=AT_MOST)],
                                render_kw={"type": "email", "autocomplete": "email"})
    contact_phone = StringField(_l("Phone"), validators=[Length(max=30, message=AT_MOST)],
                                render_kw={"type": "tel", "autocomplete": "tel"})
    identity_consent = BooleanField(
        _l("For harassment reports: the agency concerned may see my name and contact details"))
    attachments = MultipleFileField(
        _l("Attachments"), description=_l("Up to 5 files: PDF, JPG, PNG, DOCX or XLSX, 10 MB each."),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"})

    def set_choices(self, lists: FormLists) -> None:
        """The directory's options, shared with every other rendering of the same lists."""
        self.agency_id.choices = directory_choices.options(
            lists, "agencies", ("", _("I don't know")))
        self.procedure_id.choices = directory_choices.options(
            lists, "procedures", ("", _("I don't know / none")))
        self.commune.choices = directory_choices.options(
            lists, "communes", ("", _("Choose the commune or ward")))

    def uploads(self) -> list[Upload]:
        return [Upload(f.filename or "", f.read()) for f in (self.attachments.data or [])
                if f and f.filename]

    def to_submission(self, *, channel: str, language: str, commune=None) -> Submission:
        """``commune``: the picked commune (addresses.Commune); its committee owns the report
        when the reporter says the problem is with it."""
        agency_id = commune.agency.id if commune and self.commune_level.data else self.agency_id.data
        return Submission(
            category=self.category.data or "", subject=self.subject.data or "",
            description=self.description.data or "", channel=channel,
            agency_id=agency_id, procedure_id=self.procedure_id.data,
            dossier_number=self.dossier_number.data or "",
            locality=commune.label if commune else self.locality.data or "",
            anonymous=self.anonymous.data, business_name=self.business_name.data or "",
            contact_name=self.contact_name.data or "", contact_email=self.contact_email.data or "",
            contact_phone=self.contact_phone.data or "",
            identity_consent=self.identity_consent.data, language=language,
            uploads=self.uploads())
