from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from portal.i18n import _l
from portal.web.forms import PortalForm


class PublicCopyForm(PortalForm):
    body = TextAreaField(_l("What the public reads"), validators=[
        InputRequired(message=_l("Write the text the public will read.")),
        Length(max=10_000, message=_l("The text must be at most %(max)d characters."))],
        description=_l("Names, phone numbers, e-mail addresses and tax codes are redacted "
                       "automatically; edit what the automatic redaction missed."))
