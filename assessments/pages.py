"""The workshop page, assembled: what each person sees at the current step.

Views hand a workshop (and any forms to show again with what was typed) to
``workshop_page``; everything the page shows is gathered here, from the selectors, in a
fixed number of queries whatever the size of the team.
"""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

from assessments.forms.workshops import (
    ConsensusForm,
    RatingForm,
    ReassessForm,
    TargetForm,
    TimeboxForm,
    WorkshopDetailsForm,
    action_rows_form,
    organisation_people,
    review_forms,
)
from assessments.kept import kept_for_revision
from assessments.models import Step, Workshop
from assessments.selectors import outcome as outcome_selectors
from assessments.selectors import workshops as selectors
from organisations.access import OrganisationRequest
from organisations.models import Role
from organisations.rules import Actor


def workshop_page(
    request: OrganisationRequest,
    workshop: Workshop,
    *,
    bound: dict | None = None,
    status: int = 200,
    conflict=None,
    still_to_rate=None,
) -> HttpResponse:
    """The workshop as this person sees it at the current step.

    ``bound`` holds forms re-shown with what was typed, keyed like
    ``("rating", slug)``; a fixed number of queries whatever the team size.
    """
    bound = bound or {}
    role = selectors.workshop_actor(
        workshop=workshop, user=request.user, role=request.membership.role
    )
    context = selectors.step_context(workshop=workshop, role=role)
    if workshop.step in (Step.EXPLAIN, Step.ASSESS):
        # The model's content, for the explanation and the rating forms; the outcome
        # section fetches its own only when it is not already kept (_outcome_html).
        context["barriers"] = barriers = selectors.workshop_barriers(workshop)
    context.update(
        version_label=workshop.model_version.label,
        conflict=conflict,
        still_to_rate=still_to_rate,
        history=workshop.history.select_related("actor")[:30],
        co_facilitators=list(workshop.co_facilitators.all()),
        facilitators=get_user_model()
        .objects.filter(
            memberships__organisation=request.organisation,
            memberships__role=Role.FACILITATOR,
        )
        .order_by("first_name"),
    )
    step = workshop.step
    if step == Step.REVIEW:
        actions = outcome_selectors.previous_actions(workshop)
        context["previous_actions"] = actions
        context["reviewed_count"] = sum(1 for a in actions if a.review is not None)
        forms = (bound.get("review") or review_forms(actions)) if role.may["facilitate"] else []
        context["review_forms"] = forms
        context["review_errors"] = sum(1 for f in forms if f.is_bound and f.errors)
        by_action = {f.action.pk: f for f in forms}
        context["review_rows"] = [{"action": a, "form": by_action.get(a.pk)} for a in actions]
    if step == Step.ASSESS and role.participant is not None:
        own = selectors.ratings_own(participant=role.participant)
        drafts = selectors.drafts_own(participant=role.participant)
        context["rating_forms"] = [
            _rating_form(b, own.get(b.pk), drafts.get(b.pk), bound.get(("rating", b.slug)))
            for b in barriers
        ]
    if step == Step.ASSESS and role.is_facilitator:
        context["participants"] = selectors.participants_of(workshop)
    if step >= Step.CONSENSUS or workshop.is_closed:
        context["outcome_html"] = _outcome_html(
            request, workshop, role, bound=bound, cacheable=conflict is None
        )
    if step == Step.REASSESS:
        context["reassess_form"] = bound.get("reassess") or ReassessForm(
            initial={
                "reassess_on": workshop.reassess_on or workshop.date + datetime.timedelta(days=182)
            }
        )
    context["timebox_form"] = TimeboxForm()
    if not workshop.is_closed:
        context["details_form"] = bound.get("details") or WorkshopDetailsForm(
            initial={"title": workshop.title, "date": workshop.date}, auto_id="details-%s"
        )
    first = Step.REVIEW if workshop.previous_id else Step.EXPLAIN
    back = workshop.step - 1
    if back >= first and not (workshop.is_revealed and back <= Step.ASSESS):
        context["back_step"] = {"value": back, "label": Step(back).label}
    if workshop.step < Step.REASSESS and workshop.step != Step.ASSESS:
        context["next_step"] = {"value": workshop.step + 1, "label": Step(workshop.step + 1).label}
    context["next_workshop"] = Workshop.objects.filter(previous=workshop).first()
    return render(request, "workshops/detail.html", context, status=status)


# ---------------------------------------------------------------- the outcome section

# Stands for the viewer's CSRF token in a cached outcome section. Derived from the
# secret key: the same in every process (so a shared cache works), and not something
# a person can type into their evidence to have it replaced.
_CSRF_MARKER = "csrf-" + salted_hmac("outcome-csrf-marker", "").hexdigest()


def _outcome_html(
    request: OrganisationRequest,
    workshop: Workshop,
    role: Actor,
    *,
    bound: dict,
    cacheable: bool,
) -> SafeString:
    """Steps 3 and 4 and the closed record: each barrier's spread, evidence and outcome.

    At step 3 the whole room opens this page at once (it follows the facilitator's
    move), and it is the heaviest page: 300 pieces of evidence for a room of 50, each
    with a form. It is the same for everyone at one revision except for the
    challenge forms, the facilitator's consensus forms and each person's CSRF token,
    so it is rendered once per revision and kind of viewer, and the token put in
    after. Not when forms come back with what someone typed, nor at step 4, whose
    action forms list the organisation's people, who can change without a revision.
    """
    context = {"workshop": workshop, "role": role}
    step_3 = workshop.step == Step.CONSENSUS and not workshop.is_closed
    if not (step_3 and cacheable and not bound):
        context.update(_outcome_context(request, workshop, role, bound))
        return mark_safe(render_to_string("workshops/_step_outcome.html", context, request))  # noqa: S308

    def render() -> str:
        context.update(_outcome_context(request, workshop, role, bound), csrf_token=_CSRF_MARKER)
        return render_to_string("workshops/_step_outcome.html", context, request)

    kind = f"{role.may['challenge']:d}{role.may['facilitate']:d}"
    html = kept_for_revision(f"workshop-outcome:{workshop.code}:{kind}", workshop.revision, render)
    return _with_csrf_token(html, request)


def _with_csrf_token(html: str, request) -> SafeString:
    # Our own template's output, escaped when it was rendered; the token is [A-Za-z0-9].
    return mark_safe(html.replace(_CSRF_MARKER, get_token(request)))  # noqa: S308


def _outcome_context(request, workshop: Workshop, role: Actor, bound: dict) -> dict:
    barriers = selectors.workshop_barriers(workshop)
    spreads = selectors.ratings_revealed(workshop, barriers)
    outcomes = {o.barrier.pk: o for o in outcome_selectors.workshop_outcome(workshop, barriers)}
    challenge_url = _rating_url_maker(request, workshop, "challenge_add")
    open_at = workshop.step if not workshop.is_closed else None
    # The people who can be named on an action, read once for every barrier's rows.
    people = (
        organisation_people(request.organisation)
        if open_at == Step.TARGET and role.may["facilitate"]
        else None
    )
    rows = []
    for b in barriers:
        outcome = outcomes[b.pk]
        spread = spreads.get(b.pk) if spreads else None
        row = {
            "barrier": b,
            "spread": spread,
            "evidence_by_stage": _evidence_by_stage(b, spread, challenge_url, bound),
            "challenge_count": sum(len(r.rating.challenge_list) for r in spread.ratings)
            if spread
            else 0,
            "outcome": outcome,
        }
        if open_at == Step.CONSENSUS and role.may["facilitate"]:
            row["consensus_form"] = _ids_of_barrier(
                bound.get(("consensus", b.slug))
                or ConsensusForm(
                    initial={
                        "stage": outcome.consensus.stage if outcome.consensus else None,
                        "rationale": outcome.consensus.rationale if outcome.consensus else "",
                        "lock": outcome.consensus.lock if outcome.consensus else 0,
                    }
                ),
                "consensus",
                b,
            )
        if people is not None:
            row["target_form"], row["action_rows"] = _outcome_forms(
                b, outcome, people, bound.get(("outcome", b.slug))
            )
            row["outcome_errors"] = _error_summary(b, row["target_form"], row["action_rows"])
        rows.append(row)
    live_parts = open_at == Step.CONSENSUS
    if live_parts:
        for row in rows:
            row["says"] = _says(row)
    # A wide spread comes first, so the discussion starts there.
    if workshop.step == Step.CONSENSUS and spreads:
        rows.sort(key=lambda r: (not (r["spread"] and r["spread"].is_wide), r["barrier"].order))
    return {"rows": rows, "revealed": spreads is not None, "live_parts": live_parts}


# Step 3's parts of each barrier's card that change while the room talks, each a live
# region of the page (static/js/live.js): drawn by the same templates for the page and for
# the poll, so both show the same HTML.
OUTCOME_PARTS = {
    "spread": "workshops/_barrier_spread.html",
    "evidence": "workshops/_barrier_evidence.html",
    "consensus": "workshops/_barrier_consensus.html",
}


def _says(row: dict) -> dict[str, str]:
    """What a screen reader is told when a part changes: once, politely, not every poll."""
    name, consensus, n = row["barrier"].name, row["outcome"].consensus, row["challenge_count"]
    return {
        "evidence": f"{name} now has {n} challenge{'s' if n != 1 else ''} to the evidence.",
        "consensus": f"Consensus recorded for {name}: {consensus.get_stage_display()}."
        if consensus
        else f"No consensus yet for {name}.",
    }


def outcome_regions(
    request: OrganisationRequest, workshop: Workshop, role: Actor
) -> tuple[dict[str, SafeString], dict[str, str]]:
    """Step 3's live regions, ``outcome/<barrier>/<part>`` → HTML, and what each says when
    it changes; nothing at any other step. Like the page's outcome section, rendered once
    per revision and kind of viewer, the CSRF token put in after: after a challenge, every
    open page of the room asks at once."""
    if workshop.step != Step.CONSENSUS or workshop.is_closed:
        return {}, {}

    def render() -> tuple[dict[str, str], dict[str, str]]:
        context = _outcome_context(request, workshop, role, {})
        regions, says = {}, {}
        for row in context["rows"]:
            b = row["barrier"]
            part_context = {
                "workshop": workshop,
                "role": role,
                "revealed": context["revealed"],
                "row": row,
                "b": b,
                "o": row["outcome"],
                "sp": row["spread"],
                "csrf_token": _CSRF_MARKER,
            }
            for part, template in OUTCOME_PARTS.items():
                regions[f"outcome/{b.slug}/{part}"] = render_to_string(
                    template, part_context, request
                )
            says.update({f"outcome/{b.slug}/{part}": text for part, text in row["says"].items()})
        return regions, says

    kind = f"{role.may['challenge']:d}{role.may['facilitate']:d}"
    regions, says = kept_for_revision(
        f"workshop-outcome-regions:{workshop.code}:{kind}", workshop.revision, render
    )
    return {name: _with_csrf_token(html, request) for name, html in regions.items()}, says


def _outcome_forms(barrier, outcome, people, bound) -> tuple:
    """A barrier's step-4 form: its target and its key-action rows, as recorded or as sent."""
    if bound is not None:
        target_form, action_rows = bound
    else:
        target = outcome.target
        target_form = TargetForm(
            initial={
                "stage": target.stage if target else None,
                "fewer_actions_reason": target.fewer_actions_reason if target else "",
            }
        )
        action_rows = action_rows_form(people=people, barrier=barrier, actions=outcome.actions)
    return _ids_of_barrier(target_form, "target", barrier), action_rows


def _error_summary(barrier, target_form, action_rows) -> list[dict]:
    """What stopped a barrier's step-4 form, in the order of the form, each linked to its
    field: the rows are many, and a message under a field further down is easily missed."""
    if not target_form.is_bound:
        return []
    summary = [
        {"text": message, "href": target_form[name].auto_id if name in target_form.fields else ""}
        for name, messages in target_form.errors.items()
        for message in messages
    ]
    for n, form in enumerate(action_rows.forms, start=1):
        for name in [NON_FIELD_ERRORS, *form.fields]:
            field = form.fields.get(name)
            where = f"Key action {n}" + (f", {field.label}" if field else "")
            href = form[name].auto_id if field else f"{form.prefix}-{barrier.slug}"
            summary += [
                {"text": f"{where}: {message}", "href": href}
                for message in form.errors.get(name, [])
            ]
    summary += [{"text": message, "href": ""} for message in action_rows.non_form_errors()]
    return summary


def _ids_of_barrier(form: forms.Form, kind: str, barrier) -> forms.Form:
    """The form with ids of its own: each barrier's card has the same form, and with
    Django's ``id_<field>`` every label after the first pointed at the first card's field."""
    form.auto_id = f"{kind}-{barrier.slug}-%s"
    return form


def _evidence_by_stage(barrier, spread, challenge_url, bound: dict) -> list:
    """(stage cell, [(rating, its challenge URL, the challenge form typed into it if it was
    refused)]) in the chart's order: grouped once here, not by a loop over the whole room in
    every cell of the template."""
    if spread is None:
        return []
    return [
        (
            cell,
            [
                (r, challenge_url(r.rating.code), bound.get(("challenge", r.rating.code)))
                for r in spread.ratings_at(cell.stage)
            ],
        )
        for cell in barrier.stages.all()
    ]


_ANY_RATING = uuid.UUID(int=0)


def _rating_url_maker(request: OrganisationRequest, workshop: Workshop, name: str):
    """``code → URL`` of a per-rating view, from one ``reverse``: the consensus page links
    every rating of the room, and a ``{% url %}`` per rating was a sixth of its time."""
    kwargs = {"org": request.organisation.slug, "code": workshop.code, "rating": _ANY_RATING}
    before, _, after = reverse(name, kwargs=kwargs).partition(str(_ANY_RATING))
    return lambda code: f"{before}{code}{after}"


def _rating_form(barrier, rating, draft, bound) -> dict:
    if bound is not None:
        form = bound
    elif draft is not None:
        form = RatingForm(
            barrier=barrier,
            initial={
                "stage": draft.stage or None,
                "evidence": draft.evidence,
                "descriptors": draft.descriptor_ids,
            },
        )
    elif rating is not None:
        form = RatingForm(
            barrier=barrier,
            initial={
                "stage": rating.stage,
                "evidence": rating.evidence,
                "descriptors": [d.pk for d in rating.descriptors.all()],
            },
        )
    else:
        form = RatingForm(barrier=barrier)
    return {
        "barrier": barrier,
        "form": form,
        "rating": rating,
        "has_draft": draft is not None and rating is not None,
    }
