"""A person's data, for the organisation's facilitators: who is held, the subject access
file, the erasure of a leaver (with a confirmation), and how long closed workshops are kept.

The person is named by their email in the form (as on the members page), never in the
address: an address ends up in logs and browser histories. Someone the organisation holds
nothing about, another organisation's people included, is a 404.
"""

import datetime
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from assessments.selectors.personal_data import (
    people_held,
    person_held,
    person_references,
)
from assessments.services.personal_data import erasure_refusal, person_data_export, person_erase
from organisations.access import OrganisationRequest, form_back, organisation_view
from organisations.forms import RetentionForm, refusal_onto
from organisations.models import person_name
from organisations.rules import ensure
from organisations.services import retention_set, retention_summary


def _page(request: OrganisationRequest, retention_form=None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "organisations/personal_data.html",
        {
            "people": people_held(organisation=request.organisation, actor=request.actor),
            "retention_form": retention_form
            or RetentionForm.for_organisation(request.organisation),
        },
        status=status,
    )


@organisation_view
@require_safe
def personal_data(request: OrganisationRequest) -> HttpResponse:
    return _page(request)


def _person(request: OrganisationRequest):
    person = person_held(
        organisation=request.organisation, email=request.POST.get("email", ""), actor=request.actor
    )
    if person is None:
        raise Http404("Nobody with that email is held by this organisation")
    return person


@organisation_view
@form_back("personal_data")
def person_export(request: OrganisationRequest) -> HttpResponse:
    """Everything held about one person, as a JSON file to send them."""
    person = _person(request)
    data = person_data_export(
        organisation=request.organisation, person=person, actor=request.actor, request=request
    )
    name = slugify(person_name(person)) or "person"
    filename = f"{request.organisation.slug}-subject-access-{name}-{datetime.date.today()}.json"
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@organisation_view
@form_back("personal_data")
def person_erase_view(request: OrganisationRequest) -> HttpResponse:
    """Erase a leaver: the first POST shows what will happen and asks again; the second,
    with ``confirm``, does it."""
    organisation = request.organisation
    person = _person(request)
    refusal = erasure_refusal(organisation=organisation, person=person, actor=request.actor)
    if refusal is None and request.POST.get("confirm") == "erase":
        try:
            stand_in = person_erase(
                organisation=organisation, person=person, actor=request.actor, request=request
            )
        except ValidationError as e:
            refusal = " ".join(e.messages)
        else:
            messages.success(
                request,
                f"Erased. Their ratings, evidence, challenges and actions now read "
                f"“{person_name(stand_in)}”.",
            )
            return redirect("personal_data", organisation.slug)
    return render(
        request,
        "organisations/erase_confirm.html",
        {
            "person": person,
            "membership": organisation.memberships.filter(user=person).first(),
            "references": person_references(organisation=organisation, person=person),
            "refusal": refusal,
        },
        status=409 if refusal else 200,
    )


@organisation_view
@form_back("personal_data")
def retention_settings(request: OrganisationRequest) -> HttpResponse:
    ensure(request.actor, "change_retention", request.organisation)  # before reading the form
    form = RetentionForm(request.POST)
    if form.is_valid():
        try:
            retention_set(
                organisation=request.organisation,
                months=form.cleaned_data["months"],
                action=form.cleaned_data["action"],
                actor=request.actor,
            )
        except ValidationError as e:
            refusal_onto(form, e)
        else:
            organisation = request.organisation
            kept = retention_summary(organisation.retention_months, organisation.retention_action)
            messages.success(request, f"Saved: closed workshops are kept {kept}.")
            return redirect("personal_data", request.organisation.slug)
    return _page(request, retention_form=form, status=400)
