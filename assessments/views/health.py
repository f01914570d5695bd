"""Liveness for load balancers and the benchmark's ceiling.

Answers without touching the database or the session, so that a load
balancer can poll it cheaply and the benchmark can measure what the stack
(gunicorn, middleware, routing) costs on its own.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
