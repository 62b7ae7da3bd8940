from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from portal.i18n import _l
from portal.web.forms import AT_MOST, PortalForm


class NewTokenForm(PortalForm):
    label = StringField(_l("Name of the token"), validators=[
        InputRequired(message=_l("Give the token a name, e.g. the system that will use it.")),
        Length(max=100, message=_l("The name must be at most %(max)d characters."))],
        description=_l("The token acts as you: same role, same agency."))


class RevokeTokenForm(PortalForm):
    pass


class CodeForm(PortalForm):
    """Turning the second factor on or off: a current code from the app."""
    code = StringField(_l("Code from your authenticator app"), validators=[
        InputRequired(message=_l("Enter the 6-digit code.")), Length(max=10, message=AT_MOST)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasswordForm(PortalForm):
    current = PasswordField(_l("Current password"), validators=[
        InputRequired(message=_l("Enter your current password.")), Length(max=200, message=AT_MOST)],
        render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[
        InputRequired(message=_l("Enter a new password.")), Length(max=200, message=AT_MOST)],
        description=_l("At least 12 characters, not your username, not a common password. "
                       "A few words make a good one."),
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), validators=[
        InputRequired(message=_l("Enter the new password again.")),
        EqualTo("new", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"})
