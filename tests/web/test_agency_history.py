"""The public directory pages: today's agencies by default, any day on request, and each
agency's predecessors and successors linked both ways."""
from __future__ import annotations

import pytest

from tests.web.support import text


def test_the_directory_shows_todays_agencies_and_any_day_on_request(client, directory):
    today = text(client.get("/agencies?lang=en"))
    assert "Hung Yen Department of Finance" in today and "Thai Binh Department" not in today
    before = text(client.get("/agencies?on=2024-05-10"))
    assert "Thai Binh Department of Planning and Investment" in before
    assert "Hung Yen" not in before


def test_an_agency_links_its_predecessors_and_successors(client, directory):
    old = text(client.get("/agencies/TB-SKHDT?lang=en"))
    assert 'href="/agencies/TB-STC"' in old and "01/03/2025" in old
    assert "its reports stay in its history" in old
    middle = text(client.get("/agencies/tb-stc"))
    assert 'href="/agencies/TB-SKHDT"' in middle and 'href="/agencies/HY-STC"' in middle
    district = text(client.get("/agencies/TB-UBND-VT"))
    assert district.count('href="/agencies/HY-UBND-') > 1  # several communes took over
    current = text(client.get("/agencies/HY-STC"))
    assert 'href="/agencies/TB-STC"' in current and "Receives reports since 01/07/2025" in current


@pytest.mark.parametrize("url", ["/agencies/NOPE", "/agencies/HY-NOPE"])
def test_an_unknown_agency_is_404(client, directory, url):
    assert client.get(url).status_code == 404
