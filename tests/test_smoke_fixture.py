from tests.factories import PASSWORD
from tests.helpers import login


def test_officer_signs_in_and_sees_inbox(client, directory, make_user):
    make_user("o1", "officer", "TB-SXD")
    response = login(client, "o1", PASSWORD)
    assert response.status_code == 302
    assert client.get("/inbox").status_code == 200
