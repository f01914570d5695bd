"""Pages of an organisation say what a browser or a proxy may keep: nothing. How a leadership
team judges itself (ratings, evidence, the consensus, the actions) must not stay in a shared
computer's cache or a proxy's after the person has signed out. And the server does not say
which version of gunicorn it runs."""

import pytest
from django.urls import reverse

from assessments.views import live
from tests.test_isolation import northshire_objects, pattern_kwargs, scoped_names  # noqa: F401

NO_STORE = "private, no-store"


@pytest.fixture(autouse=True)
def _pdf_cache(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"


def test_every_page_of_an_organisation_is_sent_private_no_store(
    client_for,
    alice,
    northshire_objects,  # noqa: F811
):
    client = client_for(alice)
    seen = 0
    for name in scoped_names():
        values = {k: northshire_objects[k] for k in pattern_kwargs(name) - {"org"}}
        response = client.get(reverse(name, kwargs={"org": "northshire", **values}))
        if response.status_code == 405:
            continue  # a form's address: it answers POST only
        assert response["Cache-Control"] == NO_STORE, f"{name}: {response['Cache-Control']}"
        seen += 1
    assert seen > 10


def test_the_state_endpoints_unchanged_answer_is_private_no_store(client_for, alice, workshop):
    live._authorised.clear()
    client = client_for(alice)
    url = reverse("workshop_state", kwargs={"org": "northshire", "code": workshop.code})
    first = client.get(url)
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again["Cache-Control"] == NO_STORE


def test_gunicorn_names_itself_without_its_version():
    from types import SimpleNamespace

    from gunicorn.http.wsgi import Response

    request = SimpleNamespace(version=(1, 1), method="GET", should_close=lambda: False)
    response = Response(request, sock=None, cfg=None)
    response.status, response.status_code = "200 OK", 200
    (server,) = [h for h in response.default_headers() if h.startswith("Server:")]
    assert server == "Server: gunicorn\r\n"
