"""Liveness and readiness, for load balancers, monitoring and the benchmark's ceiling.

``/healthz`` answers without touching the database or the session, so that a load
balancer can poll it cheaply and the benchmark can measure what the stack (gunicorn,
middleware, routing) costs on its own. ``/readyz`` asks the database, and whether a task
worker is alive (its heartbeat) and keeping up (no task waiting long): 503 with what
failed, for monitoring and for an orchestrator that should hold traffic back.
"""

import datetime

from django.conf import settings
from django.db import Error
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

from assessments.models import WorkerHeartbeat
from breakthrough.middleware import answers_json

# A worker beats every few seconds (assessments/pdf/worker.py); this long without one, it
# is gone. A task waiting longer than this means the workers do not keep up.
WORKER_SILENT_AFTER = datetime.timedelta(seconds=30)
TASK_LATE_AFTER = datetime.timedelta(seconds=60)


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@answers_json
@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": "ok", "worker": "ok"}
    try:
        # The heartbeat's query is the database check too: an outage raises on it.
        now = timezone.now()
        if not WorkerHeartbeat.objects.filter(seen_at__gte=now - WORKER_SILENT_AFTER).exists():
            checks["worker"] = "no task worker has been seen for 30 s"
        elif DBTaskResult.objects.ready().filter(enqueued_at__lt=now - TASK_LATE_AFTER).exists():
            checks["worker"] = "a task has waited over 60 s: the workers do not keep up"
    except Error as e:  # any database error, InterfaceError included
        checks = {"database": f"unavailable: {e.__class__.__name__}", "worker": "unknown"}
    ok = all(value == "ok" for value in checks.values())
    response = JsonResponse(checks, status=200 if ok else 503)
    if not ok:
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    return response
