"""The corporate roll-up and a unit's workshop outcomes, for the viewers and facilitators
who follow units from above (the chief executive: every unit); and the comparison with other
bodies."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from assessments.documents import DOCUMENTS
from assessments.models import PdfKind, Workshop
from assessments.pdf.subjects import RollupDocuments
from assessments.selectors.comparison import comparison_for
from assessments.selectors.outcome import workshop_outcome
from assessments.selectors.rollup import rollup_of
from assessments.selectors.units import scope_of
from assessments.views.fetch import actor_in
from assessments.views.reports import document_response, document_status_response
from breakthrough.middleware import answers_json
from organisations.access import OrganisationRequest, organisation_view
from organisations.comparison import comparison_share_set
from organisations.rules import ensure, follows_workshop, sees_workshop
from organisations.units import units_tree


def _level(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None  # a level that is not a number narrows nothing


def _rollup(request: OrganisationRequest):
    """The roll-up as the person reads it (their units; ?level= narrows to one level)."""
    ensure(request.actor, "read_rollup")
    scope = scope_of(organisation=request.organisation, actor=request.actor)
    data = rollup_of(
        organisation=request.organisation, scope=scope, level=_level(request.GET.get("level"))
    )
    return scope, data


@organisation_view
@require_safe
def rollup(request: OrganisationRequest) -> HttpResponse:
    """Every unit the person follows, side by side (?level= narrows to one level)."""
    scope, data = _rollup(request)
    org, query = request.organisation.slug, _level_query(data.level)
    # The same roll-up as a document: the same units, at the level chosen here.
    downloads = [
        (reverse(name, args=[org]) + query, DOCUMENTS[kind].link)
        for kind, name in URL_NAMES.items()
    ]
    return render(
        request, "rollup/rollup.html", {"rollup": data, "scope": scope, "downloads": downloads}
    )


# The roll-up's documents, by address name (``assessments/urls/rollup.py``); each status is
# "<name>_status".
URL_NAMES = {PdfKind.ROLLUP: "rollup_pdf", PdfKind.ROLLUP_XLSX: "rollup_xlsx"}


def _level_query(level: int | None) -> str:
    return "" if level is None else f"?level={level}"


def _documents(request: OrganisationRequest) -> RollupDocuments:
    _scope, data = _rollup(request)
    return RollupDocuments(request.organisation, data, request.membership)


@organisation_view
@require_GET
def rollup_document(request: OrganisationRequest, kind: str) -> HttpResponse:
    """The roll-up as an A3 PDF or a workbook, as the person's page shows it (their units,
    the level they chose): drawn by the task worker, a preparing page until then."""
    documents = _documents(request)
    org, query = request.organisation.slug, _level_query(documents.rollup.level)
    return document_response(
        request,
        documents,
        kind,
        pdf_url=reverse(URL_NAMES[kind], args=[org]) + query,
        status_url=reverse(f"{URL_NAMES[kind]}_status", args=[org]) + query,
        back_url=reverse("rollup", args=[org]) + query,
        back_label="Roll-up",
    )


@answers_json
@organisation_view
@require_GET
def rollup_document_status(request: OrganisationRequest, kind: str) -> JsonResponse:
    """Where the roll-up document's render stands, for the preparing page."""
    return document_status_response(_documents(request), kind)


@organisation_view
@require_safe
def rollup_workshop(request: OrganisationRequest, code) -> HttpResponse:
    """A workshop's outcomes: its consensus, target and key actions per barrier; never its
    ratings or evidence. For whoever follows it (a 404 for anyone else, as for a workshop
    that does not exist)."""
    workshop = (
        Workshop.objects.filter(organisation=request.organisation, code=code)
        .select_related("unit", "lead_facilitator")
        .first()
    )
    if workshop is None:
        raise Http404("No such workshop")
    workshop.organisation = request.organisation
    tree = units_tree(request.organisation)
    workshop.unit = tree.by_id[workshop.unit_id]  # with the units above it, for the rule
    actor = actor_in(request, workshop)
    if not follows_workshop(actor, workshop):
        raise Http404("No such workshop")
    return render(
        request,
        "rollup/outcome.html",
        {
            "workshop": workshop,
            "outcomes": workshop_outcome(workshop),
            "path": tree.path(workshop.unit),
            "in_full": sees_workshop(actor, workshop),
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------- comparison between bodies


@organisation_view
@require_safe
def comparison(request: OrganisationRequest) -> HttpResponse:
    """Per barrier, how many of the bodies that share stand at each stage; for the people of
    a body that shares (its facilitators decide whether it does, here)."""
    return _comparison_page(request)


def _comparison_page(request: OrganisationRequest, status: int = 200) -> HttpResponse:
    return render(
        request,
        "rollup/comparison.html",
        {"comparison": comparison_for(organisation=request.organisation)},
        status=status,
    )


@organisation_view
@require_http_methods(["GET", "HEAD", "POST"])
def comparison_share(request: OrganisationRequest) -> HttpResponse:
    """Opt in (``share=yes``) or out (``share=no``). Opened again from the address bar: the
    comparison page."""
    if request.method != "POST":
        return redirect("comparison", request.organisation.slug)
    # The facilitators' choice, before anything sent is read (the service asks again).
    ensure(request.actor, "share_for_comparison", request.organisation)
    choice = request.POST.get("share")
    if choice not in ("yes", "no"):
        messages.error(request, "Choose whether to share the figures or not.")
        return _comparison_page(request, status=400)
    changed = comparison_share_set(
        organisation=request.organisation, share=choice == "yes", actor=request.actor
    )
    if changed:
        messages.success(
            request,
            f"{request.organisation.name} shares its latest consensus with the other bodies."
            if choice == "yes"
            else f"{request.organisation.name} no longer shares: its figures are out.",
        )
    return redirect("comparison", request.organisation.slug)
