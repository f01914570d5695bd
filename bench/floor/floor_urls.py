"""What an authenticated poll can cost at the least: views that do a little
more each time, from one query to the full ``organisation_view`` stack.

Not part of the app: ``bench/run.py`` serves them on a server of their own, next to the
real URLs (``--only floor`` alone, ``--no-floor`` to skip), to show where the time of a 304
goes, so the state endpoint can be built to its floor. Every read goes through Django's
ORM, session engine and ``ModelBackend``, as the app's do. Each answers 304 when
``If-None-Match`` matches the revision.
"""

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotModified
from django.urls import include, path

from assessments.models import Workshop
from assessments.views.fetch import workshop_get
from organisations.access import organisation_view
from organisations.models import Membership


def answer(request: HttpRequest, revision) -> HttpResponse:
    etag = f'"{revision}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    return HttpResponse(str(revision), headers={"ETag": etag})


def revision(**lookups):
    """The workshop's revision alone, as the state endpoint's 304 reads it."""
    return Workshop.objects.filter(**lookups).values_list("revision", flat=True).first()


def one_query_no_session(request, org, code):
    """One ORM query, no session: the floor for anything that reads the database."""
    return answer(request, revision(organisation__slug=org, code=code))


def session_user(request, org, code):
    """The session and its user (two queries), nothing else."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    return answer(request, 1)


def session_user_membership(request, org, code):
    """Session, user and the membership of the organisation in the URL (three queries)."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    m = Membership.objects.filter(user=request.user, organisation__slug=org).first()
    if m is None:
        return HttpResponseForbidden()
    return answer(request, 1)


@organisation_view
def full_stack(request, code):
    """``organisation_view`` + ``workshop_get``, what every workshop page does first: the
    session, its user, the memberships and the workshop (four queries)."""
    return answer(request, workshop_get(request, code).revision)


@organisation_view
def full_stack_values(request, code):
    """``organisation_view`` + the revision alone through ``values_list`` (four queries)."""
    return answer(request, revision(organisation=request.organisation, code=code))


# Authorisation remembered per process for a few seconds, per session and workshop, as the
# state endpoint does (``assessments/views/live.py``, ``_unchanged``). A poll that is
# refused nothing but learns "unchanged" is all a stale entry can give; every 200 goes
# through the full checks.
_authorised: dict = {}
TTL = 10.0


def authorised_workshop_id(request, org, code):
    key = (request.COOKIES.get(settings.SESSION_COOKIE_NAME), org, str(code))
    now = time.monotonic()
    hit = _authorised.get(key)
    if hit and hit[1] > now:
        return hit[0]
    if not request.user.is_authenticated:
        return None
    workshop_id = (
        Workshop.objects.filter(
            code=code, organisation__slug=org, organisation__memberships__user=request.user
        )
        .values_list("id", flat=True)
        .first()
    )
    _authorised[key] = (workshop_id, now + TTL)
    return workshop_id


def cached_auth(request, org, code):
    """Authorisation remembered, then the revision by primary key (one query)."""
    workshop_id = authorised_workshop_id(request, org, code)
    if workshop_id is None:
        return HttpResponseForbidden()
    return answer(request, revision(pk=workshop_id))


FLOOR = {
    "one_query_no_session": one_query_no_session,
    "session_user": session_user,
    "session_user_membership": session_user_membership,
    "organisation_view_workshop_get": full_stack,
    "organisation_view_values_list": full_stack_values,
    "cached_auth": cached_auth,
}

urlpatterns = [
    *(path(f"floor/{name}/<slug:org>/<uuid:code>", view) for name, view in FLOOR.items()),
    path("", include("breakthrough.urls")),
]
