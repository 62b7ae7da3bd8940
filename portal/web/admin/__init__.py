from portal.web.admin.views import bp  # noqa: F401
from portal.web.admin import scoring  # noqa: F401  (registers /admin/scoring on bp)
