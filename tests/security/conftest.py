"""The security suite drives the web app like tests/web does: reuse its fixtures."""
from tests.web.conftest import client, directory, new_client, staff  # noqa: F401
