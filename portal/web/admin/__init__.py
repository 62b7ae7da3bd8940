from portal.web.admin.views import bp  # noqa: F401
