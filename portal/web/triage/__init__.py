from portal.web.triage.views import bp  # noqa: F401
