"""Organisation isolation: every URL of the project, asked for another organisation's objects.

Walks the whole URL configuration. Each pattern must either be filled in
with Northshire's objects and answer 404 to every role of Southshire, or be
listed in ``OUTSIDE_ORGANISATIONS`` with the reason it is not scoped. A new
URL that is neither makes the first test fail, so nobody can add a page
without deciding how it is scoped.

Two ways in for the outsider, both must 404:
- Northshire's slug in the URL: Southshire's people are not members;
- Southshire's own slug with Northshire's object codes: the object must be
  looked up through the organisation, never by its code alone.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organisations.access import actor_for
from organisations.models import Role
from organisations.services import invitation_create
from organisations.units import top_unit, unit_create
from tests.builders import series_of_two
from tests.factories import MembershipFactory, UserFactory

# Patterns that are not under an organisation, and why that is safe.
OUTSIDE_ORGANISATIONS = {
    "home": "lists only the signed-in person's own memberships",
    "login": "public sign-in",
    "logout": "signs out the current session only",
    "model_page": "the published Audit Commission model, public content",
    "password_reset": "public: answers the same whether or not the email exists",
    "password_reset_done": "public confirmation page",
    "password_reset_confirm": "token-protected by Django",
    "password_reset_complete": "public confirmation page",
    "invitation_accept": "token-protected: the unguessable single-use token is the scope",
    "healthz": "liveness for load balancers, no data",
    "accessibility": "the accessibility statement, public by law; no data",
    "sign_in_link_request": "public: answers the same whether or not the email exists",
    "sign_in_link_use": "token-protected (django-sesame): signed, single-use, minutes long",
    "workshop_join": "signed-in only, and finds a workshop only in the person's organisations",
    "readyz": "readiness for monitoring: whether the database and a task worker answer, no data",
    "sso_start": "public: sends the browser to the identity provider, names no organisation",
    "sso_callback": "protected by the state and nonce of this browser's own sign-in, and the "
    "signed ID token; places people only where an organisation admits them",
}
ADMIN_NAMESPACE = "admin"  # staff only; Django's own permission checks


def all_patterns(resolver=None, prefix_ns=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns == ADMIN_NAMESPACE:
                continue
            yield from all_patterns(p, f"{prefix_ns}{ns}:" if ns else prefix_ns)
        elif isinstance(p, URLPattern):
            yield prefix_ns + (p.name or ""), p


def pattern_kwargs(name: str) -> set[str]:
    resolver = get_resolver()
    possibilities = resolver.reverse_dict.getlist(name.split(":")[-1])
    kwargs: set[str] = set()
    for possibility, _pattern, _defaults, _converters in possibilities:
        for _result, params in possibility:
            kwargs |= set(params)
    return kwargs


@pytest.fixture
def northshire_objects(northshire, alice, team):
    """One of each kind of object Northshire has, by the URL kwarg that names it."""
    earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    rating = current.participants.first().ratings.first()
    action = earlier.actions.first()
    values = {
        "code": current.code,
        "workshop": current.code,
        "rating": rating.code,
        "action": action.code,
        "barrier": rating.barrier.slug,
        "stage": "developing",
        "participant": current.participants.first().pk,
    }
    from model_content.selectors import model_version_original
    from model_content.services import version_copy

    as_alice = actor_for(organisation=northshire, user=alice)
    values["version"] = version_copy(
        organisation=northshire, source=model_version_original(), by=as_alice
    ).code
    invitation, _token = invitation_create(
        organisation=northshire, email="newcomer@example.org", role=Role.MEMBER, actor=as_alice
    )
    values["invitation"] = invitation.code
    values["unit"] = unit_create(
        organisation=northshire, parent=top_unit(northshire), name="Adults", actor=as_alice
    ).code
    return values


def scoped_names() -> list[str]:
    return sorted({name for name, _p in all_patterns() if name and "org" in pattern_kwargs(name)})


def test_every_url_is_either_organisation_scoped_or_listed_with_a_reason():
    unnamed = [str(p.pattern) for name, p in all_patterns() if not name]
    assert not unnamed, f"Name these URL patterns so the isolation test can walk them: {unnamed}"
    unscoped = {
        name
        for name, _p in all_patterns()
        if "org" not in pattern_kwargs(name) and name not in OUTSIDE_ORGANISATIONS
    }
    assert not unscoped, (
        f"URLs outside /o/<org>/ with no reason given: {sorted(unscoped)}. "
        "Put them under the organisation or add them to OUTSIDE_ORGANISATIONS."
    )


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.MEMBER, Role.VIEWER])
def test_every_organisation_url_answers_404_to_another_organisations_people(
    client, northshire_objects, southshire, role
):
    outsider = UserFactory(email=f"outsider-{role}@example.org")
    MembershipFactory(user=outsider, organisation=southshire, role=role)
    client.force_login(outsider)

    names = scoped_names()
    assert len(names) > 3, "the walk found no organisation URLs"
    missing = {}
    for name in names:
        needed = pattern_kwargs(name) - {"org"}
        unknown = needed - northshire_objects.keys()
        if unknown:
            missing[name] = unknown
            continue
        values = {k: northshire_objects[k] for k in needed}
        for method in ("get", "post"):
            url = reverse(name, kwargs={"org": "northshire", **values})
            response = getattr(client, method)(url)
            assert response.status_code == 404, (
                f"{method.upper()} {url} ({name}) answered {response.status_code} "
                f"to a {role} of Southshire"
            )
            if not values:
                continue
            # Her own organisation's URL with Northshire's objects: refused before
            # anything happens (a wrong method or role may answer first, which
            # says nothing about the object), and never found.
            url = reverse(name, kwargs={"org": southshire.slug, **values})
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404, 405), (
                f"{method.upper()} {url} ({name}) answered {response.status_code} "
                f"to a {role} of Southshire"
            )
    assert not missing, f"Give the isolation test a Northshire value for these kwargs: {missing}"


def test_a_workshops_join_code_names_nothing_to_another_organisations_people(
    client, workshop, mallory
):
    client.force_login(mallory)
    response = client.get(reverse("workshop_join", kwargs={"join_code": workshop.join_code}))
    assert response.status_code == 404


# ---------------------------------------------------------------- units
#
# The same walk inside one organisation: Northshire's tree is Northshire > Children's
# Services > Early Help, and Northshire > Adult Social Care. The series of two is Children's
# Services'. Someone of a sibling unit, of a unit below it, or of the organisation but of no
# unit, must find none of its workshops' addresses (404), exactly as an outsider.

# The kwargs that name a workshop or something in one.
WORKSHOP_KWARGS = {"code", "workshop", "rating", "action"}


@pytest.fixture
def northshire_units(northshire, alice):
    as_alice = actor_for(organisation=northshire, user=alice)
    top = top_unit(northshire)
    children = unit_create(
        organisation=northshire, parent=top, name="Children's Services", actor=as_alice
    )
    return {
        "children": children,
        "early": unit_create(
            organisation=northshire, parent=children, name="Early Help", actor=as_alice
        ),
        "adults": unit_create(
            organisation=northshire, parent=top, name="Adult Social Care", actor=as_alice
        ),
    }


@pytest.fixture
def childrens_objects(northshire, northshire_units, alice, team):
    """Northshire's objects as in ``northshire_objects``, the workshops Children's Services'."""
    from assessments.models import Workshop
    from organisations.models import Membership, UnitMembership

    children = northshire_units["children"]
    for person in (alice, *team):
        UnitMembership.objects.create(
            unit=children,
            membership=Membership.objects.get(organisation=northshire, user=person),
            role=Role.FACILITATOR if person == alice else Role.MEMBER,
        )
    earlier, current = series_of_two(organisation=northshire, facilitator=alice, members=team)
    Workshop.objects.filter(pk__in=[earlier.pk, current.pk]).update(unit=children)
    rating = current.participants.first().ratings.first()
    return {
        "code": current.code,
        "workshop": current.code,
        "rating": rating.code,
        "action": earlier.actions.first().code,
        "barrier": rating.barrier.slug,
        "stage": "developing",
        "participant": current.participants.first().pk,
        "evidence": rating.evidence,
        "title": current.title,
    }


def workshop_names() -> list[str]:
    return [n for n in scoped_names() if pattern_kwargs(n) & WORKSHOP_KWARGS]


@pytest.mark.parametrize(
    "unit,role",
    [
        ("adults", Role.MEMBER),
        ("adults", Role.VIEWER),
        ("adults", Role.FACILITATOR),
        ("early", Role.VIEWER),
        ("early", Role.FACILITATOR),
        (None, Role.MEMBER),
    ],
    ids=[
        "sibling-member",
        "sibling-viewer",
        "sibling-facilitator",
        "below-viewer",
        "below-facilitator",
        "organisation-member-of-no-unit",
    ],
)
def test_every_workshop_url_of_a_unit_answers_404_to_the_people_of_other_units(
    client, northshire, northshire_units, childrens_objects, unit, role
):
    from organisations.models import UnitMembership

    person = UserFactory(email="elsewhere@example.org")
    membership = MembershipFactory(user=person, organisation=northshire, role=Role.MEMBER)
    if unit is not None:
        UnitMembership.objects.create(unit=northshire_units[unit], membership=membership, role=role)
    client.force_login(person)

    names = workshop_names()
    assert {"workshop_detail", "wallchart", "workshop_state", "report_pdf", "action_status"} <= set(
        names
    )
    for name in names:
        values = {k: childrens_objects[k] for k in pattern_kwargs(name) - {"org"}}
        # GET finds nothing; POST neither (an address that answers GET only says so
        # first, which says nothing about the workshop).
        for method, allowed in (("get", {404}), ("post", {404, 405})):
            url = reverse(name, kwargs={"org": "northshire", **values})
            response = getattr(client, method)(url)
            assert response.status_code in allowed, (
                f"{method.upper()} {url} ({name}) answered {response.status_code} "
                f"to a {role} of {unit or 'no unit'}"
            )
    join = client.get(reverse("workshop_join", kwargs={"join_code": _join_code(childrens_objects)}))
    assert join.status_code == 404
    # And the pages that list across the organisation name none of it.
    for name in ("organisation_home", "action_tracker", "series", "units"):
        page = client.get(reverse(name, kwargs={"org": "northshire"})).content.decode()
        assert childrens_objects["title"] not in page, name
        assert childrens_objects["evidence"] not in page, name
        assert "Children&#x27;s Services action" not in page, name


def _join_code(objects) -> str:
    from assessments.models import Workshop

    return Workshop.objects.get(code=objects["code"]).join_code


def test_the_people_of_the_unit_and_whoever_took_part_see_its_workshops(
    client, northshire, northshire_units, childrens_objects, bob
):
    from assessments.models import Workshop
    from organisations.models import UnitMembership

    detail = reverse(
        "workshop_detail", kwargs={"org": "northshire", "code": childrens_objects["code"]}
    )
    client.force_login(bob)  # a member of Children's Services, taking part
    assert client.get(detail).status_code == 200
    # Taken out of the unit, Bob still sees the workshop he took part in.
    UnitMembership.objects.filter(membership__user=bob).delete()
    assert client.get(detail).status_code == 200
    # Someone put in the unit since sees it too, though not in it.
    newcomer = UserFactory(email="newcomer@example.org")
    membership = MembershipFactory(user=newcomer, organisation=northshire, role=Role.MEMBER)
    UnitMembership.objects.create(
        unit=northshire_units["children"], membership=membership, role=Role.VIEWER
    )
    client.force_login(newcomer)
    assert client.get(detail).status_code == 200
    assert Workshop.objects.get(code=childrens_objects["code"]).unit == northshire_units["children"]


@pytest.mark.parametrize("who", ["vic", "fay"])
def test_the_organisations_viewers_and_facilitators_follow_a_units_outcomes_not_its_ratings(
    client, northshire, childrens_objects, request, who
):
    """The chief executive (Vic) and another facilitator of the organisation (Fay): the
    workshop's own pages (its ratings, its evidence) are the unit's, a 404; its actions are
    outcomes, in the tracker."""
    client.force_login(request.getfixturevalue(who))
    for name in workshop_names():
        if "action" in pattern_kwargs(name) or name == "rollup_workshop":
            continue
        values = {k: childrens_objects[k] for k in pattern_kwargs(name) - {"org"}}
        url = reverse(name, kwargs={"org": "northshire", **values})
        assert client.get(url).status_code == 404, name
    # Its outcomes, on the roll-up's page for them.
    outcomes = reverse(
        "rollup_workshop", kwargs={"org": "northshire", "code": childrens_objects["code"]}
    )
    page = client.get(outcomes)
    assert page.status_code == 200
    assert childrens_objects["evidence"] not in page.content.decode()
    tracker = client.get(reverse("action_tracker", kwargs={"org": "northshire"}))
    page = tracker.content.decode()
    assert "action 1" in page
    assert childrens_objects["evidence"] not in page
