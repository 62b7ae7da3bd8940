"""Helpers for staff views: role gates and mapping domain errors to responses."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def require(check):
    """Login required, then ``check(user)``; a signed-in user who fails it gets 403."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
