from portal.web.account.views import bp  # noqa: F401
