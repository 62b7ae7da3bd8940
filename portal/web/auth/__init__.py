from portal.web.auth.views import bp  # noqa: F401
