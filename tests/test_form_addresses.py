"""No dead addresses: a form's address reopened from the address bar (a reloaded tab, the
history, a phone restoring its tabs) answers the page the form was on, at its card, never a
blank 405. Bob takes part in Northshire's workshop; Mallory is of Southshire."""

import pytest
from django.urls import reverse

from tests.test_isolation import all_patterns, northshire_objects, pattern_kwargs  # noqa: F401


def form_addresses() -> list[str]:
    """Every address that takes a workshop's or the tracker's form (views with form_post)."""
    return sorted(name for name, p in all_patterns() if getattr(p.callback, "form_post", False))


def test_the_walk_finds_the_workshops_forms():
    assert {"rating_submit", "consensus_record", "action_status", "step_move"} <= set(
        form_addresses()
    )


@pytest.mark.parametrize("name", form_addresses())
def test_a_forms_address_opened_again_answers_the_page_it_was_on(
    client_for,
    bob,
    northshire_objects,  # noqa: F811
    name,
):
    kwargs = {k: northshire_objects[k] for k in pattern_kwargs(name) - {"org"}}
    response = client_for(bob).get(reverse(name, kwargs={"org": "northshire", **kwargs}))
    assert response.status_code == 302
    if "code" in kwargs:
        page = reverse("workshop_detail", kwargs={"org": "northshire", "code": kwargs["code"]})
        anchor = f"#barrier-{kwargs['barrier']}" if "barrier" in kwargs else ""
        assert response.url == page + anchor
    else:
        assert response.url == reverse("action_tracker", kwargs={"org": "northshire"})


def test_another_organisations_form_address_is_still_not_found(
    client_for,
    mallory,
    northshire_objects,  # noqa: F811
):
    for name in form_addresses():
        kwargs = {k: northshire_objects[k] for k in pattern_kwargs(name) - {"org"}}
        client = client_for(mallory)
        for org in ("northshire", "southshire"):
            response = client.get(reverse(name, kwargs={"org": org, **kwargs}))
            assert response.status_code == 404, (name, org)


def organisation_form_addresses() -> list[str]:
    """Every address that takes a form of the organisation's own pages (views with
    form_back: members, sign-in, units, personal data, versions of the model)."""
    return sorted(name for name, p in all_patterns() if getattr(p.callback, "form_back", None))


def test_the_walk_finds_the_organisations_forms():
    assert {"member_invite", "unit_add", "retention_settings", "sign_in_methods"} <= set(
        organisation_form_addresses()
    )


@pytest.mark.parametrize("name", organisation_form_addresses())
def test_an_organisation_forms_address_opened_again_answers_its_page(
    client_for,
    alice,
    northshire_objects,  # noqa: F811
    name,
):
    kwargs = {k: northshire_objects[k] for k in pattern_kwargs(name) - {"org"}}
    response = client_for(alice).get(reverse(name, kwargs={"org": "northshire", **kwargs}))
    assert response.status_code == 302
    page = dict(all_patterns())[name].callback.form_back
    page_kwargs = {k: v for k, v in kwargs.items() if k in pattern_kwargs(page)}
    assert response.url == reverse(page, kwargs={"org": "northshire", **page_kwargs})
    assert client_for(alice).get(response.url).status_code == 200


def test_another_organisations_form_address_of_its_own_pages_is_not_found(
    client_for,
    mallory,
    northshire_objects,  # noqa: F811
):
    for name in organisation_form_addresses():
        kwargs = {k: northshire_objects[k] for k in pattern_kwargs(name) - {"org"}}
        response = client_for(mallory).get(reverse(name, kwargs={"org": "northshire", **kwargs}))
        assert response.status_code == 404, name


def test_no_address_of_an_organisation_answers_get_with_a_blank_405(
    client_for,
    alice,
    northshire_objects,  # noqa: F811
):
    """Every form's address, found or not by the two walks above: a form added with a bare
    require_POST would answer 405 to a reloaded tab."""
    client = client_for(alice)
    blank = []
    for name, _p in all_patterns():
        if not name or "org" not in pattern_kwargs(name):
            continue
        kwargs = {k: northshire_objects[k] for k in pattern_kwargs(name) - {"org"}}
        if client.get(reverse(name, kwargs={"org": "northshire", **kwargs})).status_code == 405:
            blank.append(name)
    assert blank == []
