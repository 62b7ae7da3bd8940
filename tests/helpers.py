"""Helpers for driving the web app through the test client with CSRF on."""
from __future__ import annotations

import re

_CSRF = re.compile(r'name="(?:[^"]*-)?csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def page_token(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return csrf_token(response.get_data(as_text=True))


def login(client, username: str, password: str):
    token = page_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password})
