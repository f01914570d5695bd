"""The hostile probe, kept: every organisation URL of the project, asked with what a script
(or a confused browser) sends, answers a page, a redirect or a 4xx, never a 500.

Issue 19 found its 500s with a probe of this kind (dates at the edges, huge numbers, text
where a number goes, unknown choices, a NUL); this walk sends the same kinds of values under
every field name the project's forms use, to every URL a facilitator and a member can reach,
so that a page added later is probed too (the walk is the isolation test's).
"""

import pytest
from django.urls import reverse

from tests.test_isolation import northshire_objects, pattern_kwargs, scoped_names  # noqa: F401

# The names the project's forms read (a field a view does not know is ignored by it).
FIELDS = [
    "stage", "evidence", "descriptors", "text", "rationale", "step", "email", "role", "title",
    "date", "reassess_on", "due", "description", "responsible", "accountable", "status",
    "note", "minutes", "reason", "months", "amount", "unit", "action", "retention_months",
    "retention_action", "body", "name", "parent", "on_behalf_of", "lock", "revision", "target",
    "fewer_actions_reason", "breakthrough_point", "anonymous", "level", "share", "confirm",
    "form-TOTAL_FORMS", "form-INITIAL_FORMS", "form-0-description", "form-0-due", "page",
]  # fmt: skip

HOSTILE = {
    "far future": "9999-12-31",
    "year one": "0001-01-01",
    "a huge number": "9" * 400,
    "a negative number": "-1",
    "text where a number goes": "seven",
    "an unknown code": "00000000-0000-0000-0000-000000000000",
    "markup": "<script>alert(1)</script>\"'",
    "a long text": "x" * 20_000,
    "right-to-left override": "\u202etnemeerga",
}


@pytest.mark.parametrize("what", sorted(HOSTILE))
def test_no_organisation_url_answers_500_to_hostile_values(
    client_for,
    alice,
    bob,
    northshire_objects,  # noqa: F811
    what,
):
    value = HOSTILE[what]
    form = dict.fromkeys(FIELDS, value)
    for person in (bob, alice):  # the member first: the facilitator's posts change things
        client = client_for(person)
        for name in scoped_names():
            values = {k: northshire_objects[k] for k in pattern_kwargs(name) - {"org"}}
            url = reverse(name, kwargs={"org": "northshire", **values})
            for method, data in (("get", {"page": value, "r": value, "q": value}), ("post", form)):
                response = getattr(client, method)(url, data)
                assert response.status_code < 500, (
                    f"{person.first_name}: {method.upper()} {url} ({name}) with {what} "
                    f"answered {response.status_code}"
                )
