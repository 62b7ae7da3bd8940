from __future__ import annotations

from wtforms import StringField
from wtforms.validators import InputRequired, Length

from portal.i18n import _l
from portal.web.forms import PortalForm


class NewTokenForm(PortalForm):
    label = StringField(_l("Name of the token"), validators=[
        InputRequired(message=_l("Give the token a name, e.g. the system that will use it.")),
        Length(max=100, message=_l("The name must be at most %(max)d characters."))],
        description=_l("The token acts as you: same role, same agency."))


class RevokeTokenForm(PortalForm):
    pass
