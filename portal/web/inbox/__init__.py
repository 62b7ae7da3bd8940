from portal.web.inbox.views import bp  # noqa: F401
