from __future__ import annotations

from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.i18n import _l
from portal.web.inbox.forms import VersionedForm
from portal.web.select_widget import LongSelect


class AssignForm(VersionedForm):
    agency_id = SelectField(_l("Assign to agency"), coerce=int, validate_choice=False,
                            widget=LongSelect(),
                            validators=[InputRequired(message=_l("Choose an agency from the list."))])


class RejectForm(VersionedForm):
    reason = TextAreaField(_l("Reason shown to the reporter"), validators=[
        InputRequired(message=_l("Give the reason the reporter will see.")),
        Length(max=10_000, message=_l("The text must be at most %(max)d characters."))],
        render_kw={"rows": 2})
