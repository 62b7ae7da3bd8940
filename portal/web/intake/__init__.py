from portal.web.intake.views import bp  # noqa: F401
