"""What an authenticated poll can cost at the least: views that do a little
more each time, from nothing to the full ``organisation_view`` stack.

Not part of the app: ``bench/run.py --floor`` serves them next to the real
URLs to show where the time of a 304 goes, so the state endpoint can be built
to its floor. Each answers 304 when ``If-None-Match`` matches the revision.
"""

import time

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseNotModified
from django.urls import include, path

from assessments.models import Workshop
from organisations.access import organisation_view, workshop_get
from organisations.models import Membership


def answer(request: HttpRequest, revision) -> HttpResponse:
    etag = f'"{revision}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    return HttpResponse(str(revision), headers={"ETag": etag})


def revision_sql(sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def one_sql_no_session(request, org, code):
    """One SQL statement, no session: the floor for anything that reads the database."""
    return answer(
        request,
        revision_sql(
            "SELECT w.revision FROM assessments_workshop w JOIN assessments_organisation o"
            " ON o.id = w.organisation_id WHERE o.slug = %s AND w.code = %s",
            [org, str(code)],
        ),
    )


def session_user(request, org, code):
    """The session and its user (two statements), nothing else."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    return answer(request, 1)


def session_user_membership(request, org, code):
    """Session, user and the membership, looked up through the ORM."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    m = Membership.objects.filter(user=request.user, organisation__slug=org).first()
    if m is None:
        return HttpResponseForbidden()
    return answer(request, 1)


@organisation_view()
def full_stack(request, code):
    """``organisation_view`` + ``workshop_get``: the session, its user, and the memberships
    with the workshop (three statements)."""
    return answer(request, workshop_get(request, code).revision)


@organisation_view()
def full_stack_values(request, code):
    """``organisation_view`` + the revision alone through ``values_list``."""
    return answer(
        request,
        request.organisation.workshops.filter(code=code).values_list("revision", flat=True).first(),
    )


# Authorisation remembered per process for a few seconds, per session and workshop.
# A poll that is refused nothing but learns "unchanged" is all a stale entry can give;
# every 200 goes through the full checks.
_authorised: dict = {}
TTL = 10.0


def authorised_workshop_id(request, org, code):
    key = (request.COOKIES.get("sessionid"), org, str(code))
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


def cached_auth_orm(request, org, code):
    workshop_id = authorised_workshop_id(request, org, code)
    if workshop_id is None:
        return HttpResponseForbidden()
    return answer(
        request, Workshop.objects.filter(pk=workshop_id).values_list("revision", flat=True)[0]
    )


def cached_auth_sql(request, org, code):
    workshop_id = authorised_workshop_id(request, org, code)
    if workshop_id is None:
        return HttpResponseForbidden()
    return answer(
        request,
        revision_sql("SELECT revision FROM assessments_workshop WHERE id = %s", [workshop_id]),
    )


FLOOR = {
    "one_sql_no_session": one_sql_no_session,
    "session_user": session_user,
    "session_user_membership": session_user_membership,
    "organisation_view_workshop_get": full_stack,
    "organisation_view_values_list": full_stack_values,
    "cached_auth_orm": cached_auth_orm,
    "cached_auth_sql": cached_auth_sql,
}

urlpatterns = [
    *(path(f"floor/{name}/<slug:org>/<uuid:code>", view) for name, view in FLOOR.items()),
    path("", include("breakthrough.urls")),
]
