"""What the workshop's many-row forms send, for tests that post them as a browser would."""

from __future__ import annotations


def outcome_post(*, stage="developing", reason="", rows=(), recorded=0, total=3) -> dict:
    """A barrier's step-4 form: its target and key-action rows (``recorded`` of them already
    recorded, each then with its ``code``), ``total`` rows in all as the page drew them."""
    data = {
        "stage": stage,
        "fewer_actions_reason": reason,
        "actions-TOTAL_FORMS": str(max(total, len(rows))),
        "actions-INITIAL_FORMS": str(recorded),
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "3",
    }
    for i, row in enumerate(rows):
        for name, value in row.items():
            if value is None or value is False:
                continue
            data[f"actions-{i}-{name}"] = str(value) if not isinstance(value, bool) else "on"
    return data


def action_row(action=None, **fields) -> dict:
    """A row as the page draws it for ``action`` (recorded), or a new one, changed by ``fields``."""
    row = {}
    if action is not None:
        row = {
            "code": action.code,
            "description": action.description,
            "responsible": action.responsible_id or "",
            "responsible_name": action.responsible_name,
            "accountable": action.accountable_id or "",
            "accountable_name": action.accountable_name,
            "due_on": action.due_on.isoformat(),
            "breakthrough_point": action.breakthrough_point_id or "",
        }
    row.update(fields)
    return row


def review_post(reviews: dict) -> dict:
    """The review of last time's actions: ``{action: (status, note)}``."""
    data = {}
    for action, (status, note) in reviews.items():
        data[f"review-{action.code}-status"] = status
        data[f"review-{action.code}-note"] = note
    return data
