from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import InputRequired

from portal.i18n import _l
from portal.models.vocab import CHANNEL_LABELS, Channel
from portal.web.forms import choices
from portal.web.public.forms import SubmissionForm

STAFF_CHANNELS = (Channel.hotline, Channel.counter, Channel.zalo, Channel.email, Channel.mail)


class IntakeForm(SubmissionForm):
    """A clerk files for a caller and records how the report came in."""
    channel = SelectField(_l("Channel"), validate_choice=False,
                          choices=choices([(c.value, CHANNEL_LABELS[c]) for c in STAFF_CHANNELS]),
                          validators=[InputRequired(message=_l("Choose the channel the report came through."))])
