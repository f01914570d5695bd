"""Resolving the organisation of a request, once, before the view.

Every URL under ``/o/<org>/`` names the organisation. ``organisation_view``
looks up the signed-in user's membership of it; someone who is not a member
gets a 404, exactly as if the organisation did not exist, so that nothing
leaks about another council's workshops. Within the organisation, a role that
does not allow an action gets a 403 with a message saying why.

Objects are then fetched through ``request.organisation`` (``workshop_get``),
never by a bare primary key.

These two run on every page, so they are hand-written statements (``statements.py``),
not ORM queries: building a query through the ORM cost more than running it.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit
from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from assessments.models import Membership, Organisation, Participant, Role, Workshop
from assessments.selectors.workshops import participant_known
from assessments.statements import columns, rows, table
from model_content.models import ModelVersion


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
            # One statement for all of the user's memberships (a handful at most): the one in
            # the URL, and the navigation bar's list, which every page shows. Under
            # /o/<org>/w/<code>/ the code is the workshop's, read in the same statement.
            code = kwargs.get("code")
            if code is None:
                mine = memberships_of(request.user)
            else:
                mine = _memberships_and_workshop(request, org, code)
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


_M = columns(Membership, "m")
_O = columns(Organisation, "o")
_W = columns(Workshop, "w")
_V = columns(ModelVersion, "v")
_P = columns(Participant, "p")


_MEMBERSHIPS = f"""
SELECT {_M.sql}, {_O.sql}
FROM {table(Membership)} m
JOIN {table(Organisation)} o ON o.id = m.organisation_id
WHERE m.user_id = %s
ORDER BY o.name"""  # noqa: S608 (names from the models; values are parameters)

# The same, with the workshop ``code`` on the row of the organisation in the URL (and only
# there): what workshop_get reads, its model version and the person's participant row,
# for workshop_role. The lead facilitator, which few pages show, is read where it is used.
_MEMBERSHIPS_AND_WORKSHOP = f"""
SELECT {_M.sql}, {_O.sql}, {_W.sql}, {_V.sql}, {_P.sql}
FROM {table(Membership)} m
JOIN {table(Organisation)} o ON o.id = m.organisation_id
LEFT JOIN {table(Workshop)} w
  ON w.organisation_id = o.id AND o.slug = %s AND w.code = %s
LEFT JOIN {table(ModelVersion)} v ON v.id = w.model_version_id
LEFT JOIN {table(Participant)} p ON p.workshop_id = w.id AND p.user_id = m.user_id
WHERE m.user_id = %s
ORDER BY o.name"""  # noqa: S608 (as above)

_WORKSHOP = f"""
SELECT {_W.sql}, {_V.sql}, {_P.sql}
FROM {table(Workshop)} w
JOIN {table(ModelVersion)} v ON v.id = w.model_version_id
LEFT JOIN {table(Participant)} p ON p.workshop_id = w.id AND p.user_id = %s
WHERE w.organisation_id = %s AND w.code = %s"""  # noqa: S608 (as above)


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their organisations (by organisation name: the model's order)."""
    return _memberships(user, rows(connection, _MEMBERSHIPS, [user.pk]))


def _memberships(user, found: list[tuple]) -> list[Membership]:
    mine = []
    for row in found:
        membership = _M.instance(connection, row, 0)
        membership.organisation = _O.instance(connection, row, len(_M))
        membership.user = user
        mine.append(membership)
    return mine


def _memberships_and_workshop(request: HttpRequest, org: str, code) -> list[Membership]:
    """``memberships_of``, and the workshop ``code`` of ``org`` kept for ``workshop_get``:
    every page of a workshop began with both, and one statement is cheaper than two."""
    code_value = _code_value(code)
    found = rows(connection, _MEMBERSHIPS_AND_WORKSHOP, [org, code_value, request.user.pk])
    mine = _memberships(request.user, found)
    workshop = None
    for membership, row in zip(mine, found, strict=True):
        if membership.organisation.slug == org and code_value is not None:
            workshop = _workshop_from(row, len(_M) + len(_O), request.user, membership.organisation)
    request._workshop_read = (str(code), workshop)
    return mine


def role_refusal(role: str, roles: tuple[str, ...]) -> str:
    if roles == (Role.FACILITATOR,):
        return "Only a facilitator of this organisation can do that."
    if role == Role.VIEWER:
        return "Viewers can read and print, but not change anything."
    return "Your role in this organisation does not allow that."


def workshop_get(request: OrganisationRequest, code: UUID | str) -> Workshop:
    """The workshop ``code`` of the request's organisation, or 404; with its model version,
    and the asking person's place in it for ``workshop_role``."""
    # Read with the membership on the workshop's own URLs; handed out once, so that a
    # second call reads the database again, as it always did.
    read = request.__dict__.pop("_workshop_read", None)
    if read is not None and read[0] == str(code):
        workshop = read[1]
    else:
        code_value = _code_value(code)
        found = code_value is not None and rows(
            connection, _WORKSHOP, [request.user.pk, request.organisation.pk, code_value]
        )
        workshop = (
            _workshop_from(found[0], 0, request.user, request.organisation) if found else None
        )
    if workshop is None:
        raise Http404("No such workshop")
    return workshop


def _code_value(code):
    """``code`` as the database compares it, or None if it cannot be a workshop's code."""
    field = Workshop._meta.get_field("code")
    try:
        return field.get_db_prep_value(field.to_python(code), connection)
    except ValidationError:
        return None


def _workshop_from(row, start: int, user, organisation: Organisation) -> Workshop | None:
    workshop = _W.instance(connection, row, start)
    if workshop is None:
        return None
    workshop.organisation = organisation
    workshop.model_version = _V.instance(connection, row, start + len(_W))
    participant = _P.instance(connection, row, start + len(_W) + len(_V))
    if participant is not None:
        participant.workshop = workshop
        participant.user = user
    participant_known(workshop, user, participant)
    return workshop
