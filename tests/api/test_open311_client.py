"""A third-party Open311 client, written from the specification alone, against a live server.

It knows nothing of the portal: it reads discovery for the endpoint, picks a service, posts a
form-encoded request with its api_key, then follows the request by id, in XML and in JSON.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from tests.api.open311_support import clerk_key
from tests.live import serving


@pytest.fixture
def api_key(app, db, directory, make_user):
    return clerk_key(app, db, make_user)


@pytest.fixture
def live_url(app, db, api_key):
    """The app on 127.0.0.1 and a free port (as tests/e2e/conftest.py does)."""
    db.session.remove()  # hold no connection while the server writes
    with serving(app) as url:
        yield url


class GeoReportClient:
    """GeoReport v2 as the specification describes it: <endpoint>/<resource>.<format>."""

    def __init__(self, discovery_url: str, api_key: str, fmt: str) -> None:
        self.discovery_url, self.api_key, self.fmt = discovery_url, api_key, fmt
        self.endpoint = ""

    def _call(self, path: str, query: dict | None = None, form: dict | None = None):
        url = path if path.startswith("http") else f"{self.endpoint}/{path}.{self.fmt}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None
        headers = {}
        if form is not None:
            data = urllib.parse.urlencode(form).encode("utf-8")
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers),
                                    timeout=10) as response:
            body, ctype = response.read(), response.headers["Content-Type"]
        if url.split("?")[0].endswith(".json"):
            assert ctype == "application/json; charset=utf-8"
            return json.loads(body.decode("utf-8"))
        assert ctype == "text/xml; charset=utf-8"
        assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        return _xml_to_data(ET.fromstring(body))

    def discover(self) -> None:
        discovery = self._call(self.discovery_url)
        for endpoint in discovery["endpoints"]:
            assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
            wanted = "application/json" if self.fmt == "json" else "text/xml"
            if wanted in endpoint["formats"]:
                self.endpoint = endpoint["url"]
        assert self.endpoint

    def services(self) -> list[dict]:
        return self._call("services")

    def post_request(self, service_code: str, **fields) -> dict:
        return self._call("requests", form={"api_key": self.api_key, "service_code": service_code,
                                            **fields})[0]

    def get_request(self, request_id: str) -> dict:
        return self._call(f"requests/{request_id}")[0]

    def get_requests(self, **query) -> list[dict]:
        return self._call("requests", query=query)


def _xml_to_data(element: ET.Element):
    """The Spark convention, read back: list roots become lists, other elements dicts or text."""
    lists = {"services", "service_requests", "endpoints", "formats", "errors", "attributes"}
    if element.tag in lists:
        return [_xml_to_data(child) for child in element]
    if len(element) == 0:
        return element.text
    return {child.tag: _xml_to_data(child) for child in element}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_client_from_the_specification_works_unchanged(live_url, api_key, fmt):
    client = GeoReportClient(f"{live_url}/open311/v2/discovery.{fmt}", api_key, fmt)
    client.discover()
    services = client.services()
    service = next(s for s in services if s["service_code"] == "delay")
    assert str(service["metadata"]).lower() == "false"  # no service definition needed

    created = client.post_request(service["service_code"], address_string="Huyện Vũ Thư",
                                  description="Chậm cấp giấy chứng nhận\nQuá hạn 12 ngày.",
                                  email="client@example.vn", first_name="Ba")
    request_id = created["service_request_id"]
    assert request_id and "token" not in created

    record = client.get_request(request_id)
    assert record["service_request_id"] == request_id and record["status"] == "open"
    assert record["service_code"] == "delay" and record["address"] == "Huyện Vũ Thư"
    listed = client.get_requests(service_request_id=request_id)
    assert [r["service_request_id"] for r in listed] == [request_id]
    assert "client@example.vn" not in json.dumps(listed, ensure_ascii=False)


def test_client_sees_errors_as_the_specification_says(live_url):
    url = f"{live_url}/open311/v2/requests.xml"
    data = urllib.parse.urlencode({"service_code": "delay", "description": "x"}).encode()
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10)
    assert caught.value.code == 403
    root = ET.fromstring(caught.value.read())
    assert root.tag == "errors" and root.findtext("error/code") == "403"
