from portal.web.moderation.views import bp  # noqa: F401
