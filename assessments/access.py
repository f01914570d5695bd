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
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from assessments.models import Membership, Organisation, Role, Workshop


class OrganisationRequest(HttpRequest):
    organisation: Organisation
    membership: Membership


def organisation_view(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Resolve ``org`` from the URL; require one of ``roles`` (any role if none)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, *args, **kwargs) -> HttpResponse:
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
