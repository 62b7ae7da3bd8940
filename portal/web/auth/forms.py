from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from portal.i18n import _l
from portal.web.forms import AT_MOST, PortalForm


class LoginForm(PortalForm):
    username = StringField(_l("Username"), validators=[
        InputRequired(message=_l("Enter your username.")), Length(max=80, message=AT_MOST)],
        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[
        InputRequired(message=_l("Enter your password.")), Length(max=200, message=AT_MOST)],
        render_kw={"autocomplete": "current-password"})


class CodeForm(PortalForm):
    code = StringField(_l("Code from your authenticator app"), validators=[
        InputRequired(message=_l("Enter the 6-digit code.")), Length(max=10, message=AT_MOST)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
