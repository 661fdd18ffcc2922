"""No cache keeps what a logged-in person read: pages, exports and the API answer `no-store`."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        reverse("accueil"),
        reverse("engagements:export") + "?format=csv",
        reverse("observatoire:api_chiffres"),
    ],
    ids=["page", "export-csv", "api-json"],
)
def test_authenticated_responses_are_not_stored_by_any_cache(client_de, coordination, url):
    response = client_de(coordination).get(url)
    assert response.status_code == 200
    cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
