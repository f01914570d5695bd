"""What holds for every request, so that no form or endpoint has to remember it.

**NUL characters refused.** A NUL in the path, the query string, a form field or a JSON
body is a 400 with a sentence (``RefuseNulMiddleware``).

**A database outage answered as one: 503 with ``Retry-After``, never a 500.**

PostgreSQL restarting, a failover, a pooler dropping connections: for a few seconds every
query raises ``OperationalError`` or ``InterfaceError``. Django would answer 500 with an
HTML page, to the polling scripts too, which could not tell "try again in a moment" from
"broken". Here such a request answers 503 with ``Retry-After``: JSON ``{"error": ...}`` to
the scripts (the live state poll, the autosave, the PDF status), the app's own page to a
person. Nothing here touches the database: the page is rendered without a request, so that
no context processor runs (the navigation's memberships are a query). The next request
after the database is back is served as usual (``CONN_MAX_AGE`` with health checks drops
the dead connection).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

NUL = "\x00"
NUL_MESSAGE = (
    "The request held a NUL character (\\0), which nothing here accepts. Remove it and send "
    "the form again. Nothing was changed."
)


def _has_nul(value) -> bool:
    """In any string of a decoded JSON document, keys included."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _query_dict_has_nul(data) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in data.lists())


class RefuseNulMiddleware:
    """A NUL character in the path, the query string, a form field (name or value) or a JSON
    body is refused with a 400 and a sentence, before any view runs.

    Nobody means one; PostgreSQL refuses it in text, so wherever a value reached a query or a
    row it was a database error (a 500). One check here instead of one per field. Uploaded
    files are not looked at: a file is read by its own parser (a model-version file's rejects
    NUL with the path of the value, model_content/version_file.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._holds_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    def _holds_nul(self, request: HttpRequest) -> bool:
        if NUL in request.path or _query_dict_has_nul(request.GET):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return _query_dict_has_nul(request.POST)
        body = request.body  # bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
        if b"\x00" in body:
            return True
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                return _has_nul(json.loads(body))
            except (ValueError, RecursionError):
                return False  # not JSON: the view that reads it says so
        return False

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        wants_json = "application/json" in request.headers.get("Accept", "") or (
            request.content_type == "application/json"
        )
        if wants_json:
            return JsonResponse({"error": NUL_MESSAGE}, status=400)
        return render(request, "400.html", {"exception": NUL_MESSAGE}, status=400)


# ---------------------------------------------------------------- database outages

log = logging.getLogger(__name__)

OUTAGES = (OperationalError, InterfaceError)
MESSAGE = "The server is briefly unavailable. Please try again in a few seconds."


def answers_json(view: Callable) -> Callable:
    """Mark a view whose callers are scripts: its errors are JSON, not a page."""
    view.answers_json = True
    return view


def _wants_json(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is not None and getattr(match.func, "answers_json", False):
        return True
    # fetch() from our scripts asks for JSON only; a browser's navigation asks for HTML.
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def database_unavailable(request: HttpRequest) -> HttpResponse:
    retry_after = settings.DATABASE_RETRY_AFTER
    if _wants_json(request):
        response = JsonResponse({"error": MESSAGE, "retry_after": retry_after}, status=503)
    else:
        # No request, so no context processor: rendering this page must not query.
        html = render_to_string(
            "503.html",
            {"retry_after": retry_after, "refresh": request.method in ("GET", "HEAD")},
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, OUTAGES):
            log.warning("Database unavailable (%s): answered 503", exception)
            return database_unavailable(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an outage met outside a view (in a middleware, saving the session)
    is a 503 too; anything else is Django's 500 with our templates/500.html."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OUTAGES):
        return database_unavailable(request)
    return django_server_error(request)
