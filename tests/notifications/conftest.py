"""The mail tests drive the web app like the web suite does: reuse its browsers and staff."""
from tests.web.conftest import directory, new_client, staff  # noqa: F401
