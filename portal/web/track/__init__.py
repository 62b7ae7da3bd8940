from portal.web.track.views import bp  # noqa: F401
