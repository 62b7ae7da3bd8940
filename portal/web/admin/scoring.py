"""The administrator's scoring settings page, /admin/scoring: component weights and minimum n."""
from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, StopValidation

from portal import clock
from portal.accounts import permissions
from portal.extensions import db
from portal.i18n import _, _l
from portal.scoring import settings as scoring_settings
from portal.scoring.method import DEFAULT_MIN_N, DEFAULT_WEIGHTS
from portal.web.admin.views import bp
from portal.web.form_actions import committed
from portal.web.forms import PortalForm
from portal.web.staff import require

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_NUMBER = _l("Enter a whole number.")


class WholeNumberField(IntegerField):
    """A whole number whose parse error is ours (translated), not WTForms' built-in one."""

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist and isinstance(valuelist[0], str) else ""
        self.data = None
        if raw:
            if not _WHOLE_NUMBER.fullmatch(raw):
                raise ValueError(_NUMBER)
            self.data = int(raw)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


def _weight(label):
    maximum = int(scoring_settings.WEIGHT_MAX)
    return WholeNumberField(label, render_kw={"min": 0, "max": maximum, "inputmode": "numeric"},
                            validators=[InputRequired(message=_l("Enter a weight.")),
                                        NumberRange(min=0, max=maximum, message=_l(
                                            "Enter a weight from %(min)d to %(max)d."))])


class ScoringSettingsForm(PortalForm):
    time = _weight(_l("Time cost (Chi phí thời gian)"))
    integrity = _weight(_l("Integrity (Chi phí không chính thức)"))
    satisfaction = _weight(_l("Satisfaction (SIPAS-style)"))
    transparency = _weight(_l("Transparency (Tính minh bạch)"))
    accountability = _weight(_l("Accountability (Thiết chế pháp lý)"))
    min_n = WholeNumberField(
        _l("Minimum counted reports to be ranked"),
        render_kw={"min": 1, "max": scoring_settings.MIN_N_MAX, "inputmode": "numeric"},
        description=_l("Default: %(n)d. Agencies with fewer are shown as “not enough data”.",
                       n=DEFAULT_MIN_N),
        validators=[InputRequired(message=_l("Enter a number of reports.")),
                    NumberRange(min=1, max=scoring_settings.MIN_N_MAX,
                                message=_l("Enter a number from %(min)d to %(max)d."))])

    WEIGHTS = ("time", "integrity", "satisfaction", "transparency", "accountability")

    def to_settings(self) -> scoring_settings.ScoringSettings:
        return scoring_settings.ScoringSettings(
            weights={name: float(self[name].data) for name in self.WEIGHTS},
            min_n=self.min_n.data)


@bp.route("/scoring", methods=["GET", "POST"])
@require(permissions.can_administer)
def scoring():
    current = scoring_settings.load_settings(db.session)
    form = ScoringSettingsForm(data={**{k: int(v) for k, v in current.weights.items()},
                                     "min_n": current.min_n})
    if form.validate_on_submit() and committed(form, lambda: scoring_settings.save_settings(
            db.session, form.to_settings(), actor=current_user, now=clock.now_utc())):
        flash(_("Scoring settings saved. Rankings already published keep theirs."), "success")
        return redirect(url_for("admin.scoring"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/scoring.html", form=form,
                           defaults=DEFAULT_WEIGHTS, default_min_n=DEFAULT_MIN_N), status
