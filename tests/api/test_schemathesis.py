"""Property-based contract test: the live app against its own OpenAPI document.

Every generated request goes over real HTTP to the app behind werkzeug's server; no response
may be a 5xx, and every status, content type, header and body must match the document.
"""
from __future__ import annotations


import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_headers_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from tests.live import serving

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
MAX_EXAMPLES = 20


@pytest.fixture
def live_url(app, db, world, bearer):
    """The app on a free port, with the directory, four reports and an officer's token."""
    headers = bearer("head", "TB-SXD")
    db.session.remove()  # hold no connection while the server writes
    with serving(app) as url:
        yield url, headers


def test_every_operation_conforms(live_url):
    url, headers = live_url
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    # Loaded from its URL, schemathesis leaves out the document's own path: 17 - 1.
    assert len(operations) == 16, [o.label for o in operations]
    for operation in operations:
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(base_url=f"{url}/api/v1", headers=headers, checks=CHECKS,
                                   timeout=10)
        check()
