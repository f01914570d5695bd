"""Resolving the organisation of a request, once, before the view.

Every URL under ``/o/<org>/`` names the organisation. ``organisation_view``
looks up the signed-in user's membership of it; someone who is not a member
gets a 404, exactly as if the organisation did not exist, so that nothing
leaks about another council's workshops. Within the organisation, a role that
does not allow an action gets a 403 with a message saying why.

Objects are then fetched through ``request.organisation`` (``workshop_get``),
never by a bare primary key.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit
from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from assessments.models import Membership, Organisation, Role, Workshop


class OrganisationRequest(HttpRequest):
    organisation: Organisation
    membership: Membership


def organisation_view(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Resolve ``org`` from the URL; require one of ``roles`` (any role if none)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(_back_after_sign_in(request, org))
            # One query for all of the user's memberships (a handful at most): the one in the
            # URL, and the navigation bar's list, which every page shows.
            mine = memberships_of(request.user)
            membership = next((m for m in mine if m.organisation.slug == org), None)
            request.my_memberships = mine
            if membership is None:
                raise Http404("No such organisation")
            if roles and membership.role not in roles:
                raise PermissionDenied(role_refusal(membership.role, roles))
            request.organisation = membership.organisation
            request.membership = membership
            return view(request, *args, **kwargs)

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
    """The user's memberships with their organisations (by organisation name: the model's order)."""
    return list(Membership.objects.select_related("organisation").filter(user=user))


def role_refusal(role: str, roles: tuple[str, ...]) -> str:
    if roles == (Role.FACILITATOR,):
        return "Only a facilitator of this organisation can do that."
    if role == Role.VIEWER:
        return "Viewers can read and print, but not change anything."
    return "Your role in this organisation does not allow that."


def workshop_get(request: OrganisationRequest, code: UUID | str, *, for_update: bool = False):
    """The workshop ``code`` of the request's organisation, or 404."""
    qs = request.organisation.workshops.select_related("model_version", "lead_facilitator")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(code=code)
    except (Workshop.DoesNotExist, ValueError) as e:
        raise Http404("No such workshop") from e
