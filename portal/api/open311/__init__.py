"""Open311 GeoReport v2 (/open311/v2); registered by portal.api.register_open311."""
from portal.api.open311.views import bp

__all__ = ["bp"]
