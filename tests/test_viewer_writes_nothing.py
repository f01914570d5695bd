"""A viewer (a chief executive, a board member) reads and prints; every write is refused.

Posts plausible data to every organisation URL as Vic and checks that each
answers 403, 404 or 405 and that no record changed.
"""

import datetime

from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from tests.test_isolation import all_patterns, northshire_objects, pattern_kwargs  # noqa: F401

TODAY = timezone.localdate()
PLAUSIBLE = {
    "stage": "developing",
    "evidence": "We saw it.",
    "rationale": "Agreed.",
    "lock": 1,
    "text": "A challenge.",
    "description": "An action.",
    "responsible_name": "Someone",
    "accountable_name": "Someone else",
    "due_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
    "email": "someone@example.org",
    "role": "member",
    "status": "done",
    "note": "Done.",
    "step": 3,
    "minutes": 5,
    "reassess_on": (TODAY + datetime.timedelta(days=100)).isoformat(),
    "title": "A workshop",
    "date": TODAY.isoformat(),
    "barriers": ["learning"],
    "action": "add",
    # A barrier's step-4 form: its target and no key-action rows.
    "actions-TOTAL_FORMS": 0,
    "actions-INITIAL_FORMS": 0,
}


def snapshot() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for app in ("assessments", "model_content")
        for m in apps.get_app_config(app).get_models()
    }


def test_a_viewer_can_change_nothing_anywhere(client_for, vic, northshire_objects):  # noqa: F811
    client = client_for(vic)
    before = snapshot()
    names = sorted({n for n, _p in all_patterns() if n and "org" in pattern_kwargs(n)})
    for name in names:
        kwargs = {k: northshire_objects[k] for k in pattern_kwargs(name) - {"org"}}
        url = reverse(name, kwargs={"org": "northshire", **kwargs})
        response = client.post(url, PLAUSIBLE)
        assert response.status_code in (403, 404, 405), f"{name} answered {response.status_code}"
    assert snapshot() == before
