"""Resolving the organisation of a request, once, before the view.

Every URL under ``/o/<org>/`` names the organisation. ``organisation_view`` looks up the
signed-in user's membership of it; someone who is not a member gets a 404, exactly as if the
organisation did not exist, so that nothing leaks about another council's workshops. What a
member may then do is for ``organisations.rules`` to say, inside the services.

Objects are then fetched through ``request.organisation``, never by a bare primary key.
"""

from collections.abc import Callable, Iterator, Mapping
from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from organisations.models import Membership, Organisation, UnitMembership
from organisations.rules import Actor, organisation_actor

# Every page of an organisation holds how its leadership team judges itself (ratings and
# evidence after the reveal, the consensus, the actions, who is in it): no browser or proxy
# keeps a copy, so none is left on a shared computer after signing out. The live page's own
# conditional polls (ETag, 304) need no stored copy: live.js keeps the ETag itself.
NO_STORE = "private, no-store"


class OrganisationRequest(HttpRequest):
    organisation: Organisation
    membership: Membership
    actor: Actor


def organisation_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve ``org`` from the URL to the user's membership of it, or 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, org: str, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(_back_after_sign_in(request, org))
        # All of the user's memberships (a handful at most) in one query: the one in the URL,
        # and the navigation bar's list, which every page shows.
        mine = memberships_of(request.user)
        request.my_memberships = mine
        membership = next((m for m in mine if m.organisation.slug == org), None)
        if membership is None:
            raise Http404("No such organisation")
        request.organisation = membership.organisation
        request.membership = membership
        request.actor = organisation_actor(
            user=request.user, membership=membership, unit_roles=UnitRoles(membership)
        )
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response

    return wrapper


def post_or_back(
    view: Callable[..., HttpResponse], back: Callable[..., HttpResponse]
) -> Callable[..., HttpResponse]:
    """A form's address answers POST with ``view``. Reopened from the address bar (a
    reloaded tab, the history, a phone restoring its tabs) it answers GET with ``back``
    (called as the view would be: a redirect to the page the form is on) instead of a blank
    405. Under ``organisation_view``, so another organisation's address is still a 404."""

    @wraps(view)
    def wrapper(request: OrganisationRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            return view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["POST"])
        return back(request, *args, **kwargs)

    return wrapper


def form_back(
    page: str, *names: str, fetch: Callable[..., object] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """``post_or_back`` for a form of the organisation's own pages: reopened, it goes to
    ``page`` (with the address's own ``names``: a version's code). An address that names an
    object first finds it through the organisation with ``fetch`` (called with the request
    and the address's arguments; it raises Http404), so another organisation's object
    answers 404 here as on a POST, never a redirect."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        def back(request: OrganisationRequest, *args, **kwargs) -> HttpResponse:
            if fetch is not None:
                fetch(request, *args, **kwargs)
            return redirect(page, request.organisation.slug, *(kwargs[n] for n in names))

        wrapper = post_or_back(view, back)
        wrapper.form_back = page  # the form-address test finds every such form by it
        return wrapper

    return decorator


def _back_after_sign_in(request: HttpRequest, org: str) -> str:
    """Where to come back to once signed in again.

    A page: itself. A form sent after the session ended (a rating submitted at the end of a
    long morning): its address answers only POST, so going back to it would be a 405. Come
    back to the page the form was on instead, where the drafts saved as the person typed
    are waiting; failing that, the organisation's page.
    """
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return urlsplit(referer).path
    return reverse("organisation_home", kwargs={"org": org})


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their organisations, by organisation name."""
    mine = list(user.memberships.select_related("organisation"))
    for membership in mine:
        membership.user = user
    return mine


class UnitRoles(Mapping):
    """A person's roles in the units below the top (unit id → role), read from the database
    the first time a rule asks: most pages never do, and pay no query for them."""

    def __init__(self, membership: Membership | None) -> None:
        self._membership = membership
        self._roles: dict[int, str] | None = None

    def _loaded(self) -> dict[int, str]:
        if self._roles is None:
            self._roles = (
                {}
                if self._membership is None
                else dict(
                    UnitMembership.objects.filter(membership=self._membership).values_list(
                        "unit_id", "role"
                    )
                )
            )
        return self._roles

    def __getitem__(self, unit_id: int) -> str:
        return self._loaded()[unit_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def actor_for(*, organisation, user) -> Actor:
    """``user`` as the rules see them in ``organisation``, read now (for commands, the demo
    and tests; a request has ``request.actor``)."""
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    return organisation_actor(user=user, membership=membership, unit_roles=UnitRoles(membership))
