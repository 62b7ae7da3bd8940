"""Running a domain action for a submitted form: one commit, or the errors on the form."""
from __future__ import annotations

from collections.abc import Callable

from portal.errors import ValidationFailed
from portal.extensions import db
from portal.web.forms import PortalForm


def committed(form: PortalForm, action: Callable[[], object]) -> bool:
    """Run ``action`` and commit. When it raises ValidationFailed, roll back and attach its
    (field, message) pairs to ``form`` instead; the view then shows the form again."""
    try:
        action()
    except ValidationFailed as exc:
        db.session.rollback()
        form.populate_errors(exc.errors)
        return False
    db.session.commit()
    return True
