"""The five-step workshop (para 70), one page per workshop that shows the current step.

Views stay thin: they fetch through the organisation, ask the services, and
re-render the page with what was typed (status 400, or 409 for a conflict)
when something is refused, so that nothing a person typed is lost.
"""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST, require_safe
from icalendar import Calendar, Event

from assessments import rules
from assessments.access import OrganisationRequest, organisation_view, workshop_get
from assessments.forms.workshops import (
    ActionForm,
    ActionStatusForm,
    ChallengeForm,
    ConsensusForm,
    PersonForm,
    RatingForm,
    ReassessForm,
    TargetForm,
    TimeboxForm,
    WorkshopForm,
)
from assessments.kept import kept_for_revision
from assessments.models import Action, ActionStatus, Rating, Role, Step, Workshop
from assessments.selectors import workshops as selectors
from assessments.services import workshops as services
from model_content.models import Barrier
from model_content.selectors import model_version_current

# ---------------------------------------------------------------- helpers


def _role(request: OrganisationRequest, workshop: Workshop) -> selectors.WorkshopRole:
    return selectors.workshop_role(
        workshop=workshop, user=request.user, membership_role=request.membership.role
    )


def _barrier(workshop: Workshop, slug: str) -> Barrier:
    barrier = selectors.workshop_barrier(workshop, slug)
    if barrier is None:
        raise Http404("No such barrier in this workshop")
    return barrier


def _rating(workshop: Workshop, code) -> Rating:
    rating = (
        Rating.objects.filter(participant__workshop=workshop, code=code)
        .select_related("barrier")
        .first()
    )
    if rating is None:
        raise Http404("No such rating")
    return rating


def _action(request: OrganisationRequest, code) -> Action:
    action = (
        Action.objects.filter(workshop__organisation=request.organisation, code=code)
        .select_related("workshop", "barrier", "responsible")
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return action


def _back(request: OrganisationRequest, workshop: Workshop, anchor: str = "") -> HttpResponse:
    # A path, so not through redirect(), which would first try it as a URL name.
    return HttpResponseRedirect(
        f"/o/{request.organisation.slug}/w/{workshop.code}/" + (f"#{anchor}" if anchor else "")
    )


def _errors(e: ValidationError) -> str:
    return " ".join(e.messages)


# ---------------------------------------------------------------- setting up


@organisation_view(Role.FACILITATOR)
def workshop_create(request: OrganisationRequest) -> HttpResponse:
    barriers = list(model_version_current(organisation=request.organisation).barriers.all())
    form = WorkshopForm(
        request.POST or None,
        organisation=request.organisation,
        barriers=barriers,
        initial={
            "title": "Management team workshop",
            "date": timezone.localdate(),
            "barriers": [b.slug for b in barriers],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(
                organisation=request.organisation,
                by=request.user,
                title=form.cleaned_data["title"],
                date=form.cleaned_data["date"],
                barrier_slugs=form.cleaned_data["barriers"],
                participants=list(form.cleaned_data["participants"]),
                anonymous=form.cleaned_data["anonymous"],
            )
        except ValidationError as e:
            form.add_error(None, _errors(e))
        else:
            messages.success(request, "Workshop set up. Step 1: explain the model.")
            return _back(request, workshop)
    status = 400 if request.method == "POST" else 200
    return render(request, "workshops/create.html", {"form": form}, status=status)


# ---------------------------------------------------------------- the page


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
    role = _role(request, workshop)
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
        context["previous_actions"] = selectors.previous_actions(workshop)
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
    context["action_statuses"] = ActionStatus.choices
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
    role: selectors.WorkshopRole,
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
        context.update(_outcome_context(request, workshop, bound))
        return mark_safe(render_to_string("workshops/_step_outcome.html", context, request))  # noqa: S308

    def render() -> str:
        context.update(_outcome_context(request, workshop, bound), csrf_token=_CSRF_MARKER)
        return render_to_string("workshops/_step_outcome.html", context, request)

    kind = f"{role.may_challenge:d}{role.is_facilitator:d}"
    html = kept_for_revision(f"workshop-outcome:{workshop.code}:{kind}", workshop.revision, render)
    return _with_csrf_token(html, request)


def _with_csrf_token(html: str, request) -> SafeString:
    # Our own template's output, escaped when it was rendered; the token is [A-Za-z0-9].
    return mark_safe(html.replace(_CSRF_MARKER, get_token(request)))  # noqa: S308


def _outcome_context(request, workshop: Workshop, bound: dict) -> dict:
    barriers = selectors.workshop_barriers(workshop)
    spreads = selectors.ratings_revealed(workshop, barriers)
    outcomes = {o.barrier.pk: o for o in selectors.workshop_outcome(workshop, barriers)}
    challenge_url = _rating_url_maker(request, workshop, "challenge_add")
    rows = []
    for b in barriers:
        outcome = outcomes[b.pk]
        spread = spreads.get(b.pk) if spreads else None
        rows.append(
            {
                "barrier": b,
                "spread": spread,
                "evidence_by_stage": _evidence_by_stage(b, spread, challenge_url),
                "outcome": outcome,
                "consensus_form": _ids_of_barrier(
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
                ),
                "target_form": _ids_of_barrier(
                    bound.get(("target", b.slug))
                    or TargetForm(
                        initial={
                            "stage": outcome.target.stage if outcome.target else None,
                            "fewer_actions_reason": outcome.target.fewer_actions_reason
                            if outcome.target
                            else "",
                        }
                    ),
                    "target",
                    b,
                ),
                "action_form": _ids_of_barrier(
                    bound.get(("action", b.slug))
                    or ActionForm(organisation=request.organisation, barrier=b),
                    "action",
                    b,
                ),
            }
        )
    # A wide spread comes first, so the discussion starts there.
    if workshop.step == Step.CONSENSUS and spreads:
        rows.sort(key=lambda r: (not (r["spread"] and r["spread"].is_wide), r["barrier"].order))
    return {"rows": rows, "revealed": spreads is not None}


def _ids_of_barrier(form: forms.Form, kind: str, barrier) -> forms.Form:
    """The form with ids of its own: each barrier's card has the same form, and with
    Django's ``id_<field>`` every label after the first pointed at the first card's field."""
    form.auto_id = f"{kind}-{barrier.slug}-%s"
    return form


def _evidence_by_stage(barrier, spread, challenge_url) -> list:
    """(stage cell, [(rating, its challenge URL)]) in the chart's order: grouped once here,
    not by a loop over the whole room in every cell of the template."""
    if spread is None:
        return []
    return [
        (cell, [(r, challenge_url(r.rating.code)) for r in spread.ratings_at(cell.stage)])
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


@organisation_view()
@require_GET
def workshop_detail(request: OrganisationRequest, code) -> HttpResponse:
    return workshop_page(request, workshop_get(request, code))


def _refused(request: OrganisationRequest, workshop: Workshop, e: Exception) -> HttpResponse:
    """A rule said no: say why on the workshop page, change nothing."""
    if isinstance(e, PermissionDenied):
        raise e
    messages.error(request, _errors(e))
    return workshop_page(request, workshop, status=400)


# ---------------------------------------------------------------- facilitation


@organisation_view()
@require_POST
def step_move(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    try:
        to = int(request.POST.get("step", ""))
        services.step_move(workshop=workshop, to=to, role=_role(request, workshop))
    except ValueError:
        messages.error(request, "Choose a step.")
        return workshop_page(request, workshop, status=400)
    except ValidationError as e:
        return _refused(request, workshop, e)
    return _back(request, workshop)


@organisation_view()
@require_POST
def timebox_set(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    form = TimeboxForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a number of minutes between 1 and 180.")
        return workshop_page(request, workshop, status=400)
    try:
        services.timebox_set(
            workshop=workshop, minutes=form.cleaned_data["minutes"], role=_role(request, workshop)
        )
    except ValidationError as e:
        return _refused(request, workshop, e)
    return _back(request, workshop)


@organisation_view()
@require_POST
def ratings_reveal(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    role = _role(request, workshop)
    try:
        if request.POST.get("confirm") != "yes" and workshop.step == Step.ASSESS:
            rules.ensure_facilitator(workshop, role)
            waiting = selectors.still_to_rate(selectors.workshop_progress(workshop))
            if waiting:
                # The reveal closes the individual assessment for good: nobody can rate after
                # it. One click on a projector should not leave half the room out, so ask.
                return workshop_page(request, workshop, still_to_rate=waiting)
        services.ratings_reveal(workshop=workshop, role=role, by=request.user)
    except ValidationError as e:
        return _refused(request, workshop, e)
    return _back(request, workshop)


@organisation_view()
@require_POST
def facilitators_change(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    form = PersonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a facilitator.")
        return workshop_page(request, workshop, status=400)
    person = (
        get_user_model()
        .objects.filter(
            email__iexact=form.cleaned_data["email"],
            memberships__organisation=request.organisation,
        )
        .first()
    )
    if person is None:
        raise Http404("No such person")
    role = _role(request, workshop)
    action = request.POST.get("action")
    try:
        if action == "lead":
            services.lead_hand_over(workshop=workshop, to=person, role=role, by=request.user)
        elif action in ("add", "remove"):
            services.co_facilitator_set(
                workshop=workshop, user=person, add=action == "add", role=role, by=request.user
            )
        else:
            messages.error(request, "Choose what to change.")
            return workshop_page(request, workshop, status=400)
    except ValidationError as e:
        return _refused(request, workshop, e)
    return _back(request, workshop)


# ---------------------------------------------------------------- participants


@organisation_view(Role.FACILITATOR)
@require_POST
def participant_add(request: OrganisationRequest, code) -> HttpResponse:
    """Add a member of the organisation, or invite someone new by email, to this workshop."""
    workshop = workshop_get(request, code)
    role = _role(request, workshop)
    form = PersonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a valid email address.")
        return workshop_page(request, workshop, status=400)
    email = form.cleaned_data["email"].lower()
    member = (
        get_user_model()
        .objects.filter(email__iexact=email, memberships__organisation=request.organisation)
        .first()
    )
    try:
        if member is not None:
            current = [p.user for p in selectors.participants_of(workshop)]
            services.participants_set(workshop=workshop, users=[*current, member], role=role)
            messages.success(request, f"{member.get_full_name() or email} now takes part.")
        else:
            from assessments.services.invitations import invitation_create

            rules.ensure_facilitator(workshop, role)
            invitation, _token = invitation_create(
                organisation=request.organisation,
                email=email,
                role=Role.MEMBER,
                by=request.user,
                workshop=workshop,
            )
            messages.success(
                request, f"Invitation sent to {invitation.email}: they join when they accept."
            )
    except ValidationError as e:
        return _refused(request, workshop, e)
    return _back(request, workshop)


@organisation_view()
@require_POST
def understanding_confirm(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    services.understanding_confirm(workshop=workshop, role=_role(request, workshop))
    return _back(request, workshop)


def _participant_for(request, workshop, role):
    """The participant a rating is for: oneself, or someone in the room via the facilitator."""
    on_behalf = request.POST.get("on_behalf_of")
    if on_behalf:
        if not role.is_facilitator:
            raise PermissionDenied("Only a facilitator can record a rating on someone's behalf.")
        participant = workshop.participants.filter(user__email__iexact=on_behalf).first()
        if participant is None:
            raise Http404("No such participant")
        return participant, request.user
    if role.participant is None or not role.can_write:
        raise PermissionDenied("Only the workshop's participants give ratings.")
    return role.participant, None


@organisation_view()
@require_POST
def rating_draft(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    """Autosave: keeps what is typed, whatever the step (autosave.js posts here)."""
    workshop = workshop_get(request, code)
    the_barrier = _barrier(workshop, barrier)
    role = _role(request, workshop)
    if role.participant is None or not role.can_write:
        raise PermissionDenied("Only the workshop's participants have drafts.")
    try:
        services.draft_save(
            workshop=workshop,
            participant=role.participant,
            barrier=the_barrier,
            stage=request.POST.get("stage", ""),
            evidence=request.POST.get("evidence", ""),
            descriptor_ids=request.POST.getlist("descriptors"),
        )
    except ValidationError as e:
        return JsonResponse({"saved": False, "error": _errors(e)}, status=400)
    return JsonResponse(
        {"saved": True, "at": timezone.localtime().strftime("%H:%M:%S"), "step": workshop.step}
    )


@organisation_view()
@require_POST
def rating_submit(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_barrier = _barrier(workshop, barrier)
    role = _role(request, workshop)
    participant, given_by = _participant_for(request, workshop, role)
    form = RatingForm(request.POST, barrier=the_barrier)

    def refused(status: int) -> HttpResponse:
        if given_by is None:
            # Whatever was refused, what they typed is kept (a success needs no draft).
            services.draft_save(
                workshop=workshop,
                participant=participant,
                barrier=the_barrier,
                stage=request.POST.get("stage", ""),
                evidence=request.POST.get("evidence", ""),
                descriptor_ids=request.POST.getlist("descriptors"),
            )
        return workshop_page(request, workshop, bound={("rating", barrier): form}, status=status)

    if not form.is_valid():
        return refused(400)
    try:
        services.rating_submit(
            workshop=workshop,
            participant=participant,
            barrier=the_barrier,
            stage=form.cleaned_data["stage"],
            evidence=form.cleaned_data["evidence"],
            descriptor_ids=form.cleaned_data["descriptors"],
            given_by=given_by,
        )
    except PermissionDenied as e:
        messages.error(request, str(e))
        return refused(403)
    except ValidationError as e:
        form.add_error(None, _errors(e))
        return refused(400)
    who = "" if given_by is None else f" for {participant.user.get_full_name()}"
    messages.success(request, f"Rating for {the_barrier.name} submitted{who}.")
    return _back(request, workshop, f"barrier-{barrier}")


@organisation_view()
@require_POST
def challenge_add(request: OrganisationRequest, code, rating) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_rating = _rating(workshop, rating)
    form = ChallengeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write your challenge (up to 1,000 characters).")
        return workshop_page(request, workshop, status=400)
    try:
        services.challenge_add(
            workshop=workshop,
            rating=the_rating,
            text=form.cleaned_data["text"],
            role=_role(request, workshop),
            by=request.user,
        )
    except ValidationError as e:
        return _refused(request, workshop, e)
    return _back(request, workshop, f"barrier-{the_rating.barrier.slug}")


# ---------------------------------------------------------------- outcome


@organisation_view()
@require_POST
def consensus_record(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_barrier = _barrier(workshop, barrier)
    form = ConsensusForm(request.POST)
    if not form.is_valid():
        return workshop_page(request, workshop, bound={("consensus", barrier): form}, status=400)
    try:
        services.consensus_record(
            workshop=workshop,
            barrier=the_barrier,
            stage=form.cleaned_data["stage"],
            rationale=form.cleaned_data["rationale"],
            lock=form.cleaned_data["lock"],
            role=_role(request, workshop),
            by=request.user,
        )
    except services.Conflict as e:
        # Keep what they typed; tell them what it is now and let them save again on top.
        current = e.current
        data = request.POST.copy()
        data["lock"] = current.lock if current else 0
        return workshop_page(
            request,
            workshop,
            bound={("consensus", barrier): ConsensusForm(data)},
            status=409,
            conflict={"barrier": the_barrier, "current": current},
        )
    except ValidationError as e:
        form.add_error(None, _errors(e))
        return workshop_page(request, workshop, bound={("consensus", barrier): form}, status=400)
    return _back(request, workshop, f"barrier-{barrier}")


@organisation_view()
@require_POST
def target_record(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_barrier = _barrier(workshop, barrier)
    form = TargetForm(request.POST)
    if not form.is_valid():
        return workshop_page(request, workshop, bound={("target", barrier): form}, status=400)
    try:
        services.target_record(
            workshop=workshop,
            barrier=the_barrier,
            stage=form.cleaned_data["stage"],
            fewer_actions_reason=form.cleaned_data["fewer_actions_reason"],
            role=_role(request, workshop),
            by=request.user,
        )
    except ValidationError as e:
        form.add_error(None, _errors(e))
        return workshop_page(request, workshop, bound={("target", barrier): form}, status=400)
    return _back(request, workshop, f"barrier-{barrier}")


@organisation_view()
@require_POST
def action_add(request: OrganisationRequest, code, barrier: str) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_barrier = _barrier(workshop, barrier)
    form = ActionForm(request.POST, organisation=request.organisation, barrier=the_barrier)
    if not form.is_valid():
        return workshop_page(request, workshop, bound={("action", barrier): form}, status=400)
    try:
        services.action_add(
            workshop=workshop,
            barrier=the_barrier,
            role=_role(request, workshop),
            by=request.user,
            **form.cleaned_data,
        )
    except ValidationError as e:
        for field, errors in e.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return workshop_page(request, workshop, bound={("action", barrier): form}, status=400)
    return _back(request, workshop, f"barrier-{barrier}")


@organisation_view()
@require_POST
def action_remove(request: OrganisationRequest, code, action) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_action = _action(request, action)
    if the_action.workshop_id != workshop.pk:
        raise Http404("No such action in this workshop")
    services.action_remove(
        workshop=workshop, action=the_action, role=_role(request, workshop), by=request.user
    )
    return _back(request, workshop, f"barrier-{the_action.barrier.slug}")


@organisation_view()
@require_POST
def action_review(request: OrganisationRequest, code, action) -> HttpResponse:
    workshop = workshop_get(request, code)
    the_action = _action(request, action)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose done, in progress, not started or dropped.")
        return workshop_page(request, workshop, status=400)
    try:
        services.action_review(
            workshop=workshop,
            action=the_action,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            role=_role(request, workshop),
            by=request.user,
        )
    except ValidationError as e:
        return _refused(request, workshop, e)
    return _back(request, workshop, "review")


@organisation_view()
@require_POST
def reassessment_date(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    form = ReassessForm(request.POST)
    if form.is_valid():
        try:
            services.reassessment_date_set(
                workshop=workshop,
                reassess_on=form.cleaned_data["reassess_on"],
                role=_role(request, workshop),
                by=request.user,
            )
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return _back(request, workshop)
    return workshop_page(request, workshop, bound={"reassess": form}, status=400)


@organisation_view()
@require_GET
def reassessment_ics(request: OrganisationRequest, code) -> HttpResponse:
    """The reassessment date as a calendar entry."""
    workshop = workshop_get(request, code)
    if workshop.reassess_on is None:
        raise Http404("No reassessment date yet")
    calendar = Calendar()
    calendar.add("prodid", "-//Breakthrough//Reassessment//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"reassess-{workshop.code}@breakthrough")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", workshop.reassess_on)
    event.add("dtend", workshop.reassess_on + datetime.timedelta(days=1))
    event.add("summary", f"Reassess against the breakthrough model: {workshop.title}")
    event.add(
        "description",
        f"{request.organisation.name}: reassess the organisation against the breakthrough "
        "model. First item: review the actions agreed at the last workshop.",
    )
    calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="reassessment-{workshop.reassess_on:%Y-%m-%d}.ics"'
    )
    return response


@organisation_view()
@require_POST
def workshop_close(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    try:
        services.workshop_close(workshop=workshop, role=_role(request, workshop), by=request.user)
    except ValidationError as e:
        return _refused(request, workshop, e)
    messages.success(request, "The workshop is closed: it is now a read-only record.")
    return _back(request, workshop)


@organisation_view(Role.FACILITATOR)
@require_POST
def reassessment_start(request: OrganisationRequest, code) -> HttpResponse:
    workshop = workshop_get(request, code)
    try:
        follow_up = services.reassessment_start(workshop=workshop, by=request.user)
    except ValidationError as e:
        return _refused(request, workshop, e)
    messages.success(request, "Reassessment started: first, review the actions agreed last time.")
    return _back(request, follow_up)


# ---------------------------------------------------------------- the tracker


@organisation_view()
@require_safe
def action_tracker(request: OrganisationRequest) -> HttpResponse:
    # ?show=yours: the actions a person answers for, the list they open on their phone.
    # ?show=closed: done or dropped, what a board asks has been achieved.
    show = _tracker_view(request.GET)
    organisation = request.organisation
    if show == "closed":
        actions = selectors.closed_actions(organisation=organisation)
    else:
        actions = selectors.open_actions(
            organisation=organisation, of=request.user if show == "yours" else None
        )
    return render(
        request,
        "workshops/action_tracker.html",
        {
            "actions": actions,
            "counts": selectors.action_counts(organisation=organisation),
            "show": show,
            "status_form": ActionStatusForm(),
        },
    )


def _tracker_view(data) -> str:
    return data.get("show") if data.get("show") in ("yours", "closed") else ""


def _to_tracker(request: OrganisationRequest) -> HttpResponse:
    """Back to the tracker as it was shown: all open actions, the person's own, or the closed."""
    url = reverse("action_tracker", kwargs={"org": request.organisation.slug})
    show = _tracker_view(request.POST)
    return redirect(url + (f"?show={show}" if show else ""))


@organisation_view()
@require_POST
def action_status(request: OrganisationRequest, action) -> HttpResponse:
    the_action = _action(request, action)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose done, in progress, not started or dropped.")
        return _to_tracker(request)
    services.action_status_set(
        action=the_action,
        status=form.cleaned_data["status"],
        note=form.cleaned_data["note"],
        by=request.user,
        membership_role=request.membership.role,
    )
    messages.success(
        request, f"“{the_action.description[:60]}” is {the_action.get_status_display().lower()}."
    )
    return _to_tracker(request)
