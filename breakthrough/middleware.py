"""Request checks that hold for every view, so that no form or endpoint has to remember them."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

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
