"""An organisation's versions of the model: list, copy, edit, publish, compare, export, import."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from model_content import services
from model_content.forms import VersionForm, VersionImportForm
from model_content.models import ModelVersion, Stage
from model_content.selectors import barriers_with_content, model_version_original
from model_content.version_file import version_file_read
from organisations.access import OrganisationRequest, form_back, organisation_view
from organisations.audit import audit_record
from organisations.rules import ensure


def _versions(request: OrganisationRequest):
    """The original and this organisation's versions: nothing of anybody else's."""
    return ModelVersion.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=request.organisation)
    )


def _version(request: OrganisationRequest, code) -> ModelVersion:
    version = _versions(request).filter(code=code).first()
    if version is None:
        raise Http404("No such version")
    return version


@organisation_view
@require_GET
def version_list(request: OrganisationRequest) -> HttpResponse:
    versions = _versions(request).annotate(
        workshop_count=Count("workshops", filter=Q(workshops__organisation=request.organisation))
    )
    return render(request, "model_content/versions/list.html", {"versions": versions})


@organisation_view
@require_GET
def version_detail(request: OrganisationRequest, version) -> HttpResponse:
    return _detail_page(request, _version(request, version))


def _detail_page(request, version: ModelVersion, status: int = 200) -> HttpResponse:
    context = {"version": version, "barriers": barriers_with_content(version=version)}
    return render(
        request, "model_content/versions/detail.html", {**context, "stages": Stage}, status=status
    )


@organisation_view
@form_back("version_detail", "version", fetch=lambda request, version: _version(request, version))
def version_copy(request: OrganisationRequest, version) -> HttpResponse:
    copy = services.version_copy(
        organisation=request.organisation, source=_version(request, version), by=request.actor
    )
    messages.success(request, "A new draft: edit it, then publish it for new workshops to use.")
    return redirect("version_edit", request.organisation.slug, copy.code)


@organisation_view
def version_edit(request: OrganisationRequest, version) -> HttpResponse:
    the_version = _version(request, version)
    # The form itself is the facilitators' (the service checks again on saving).
    ensure(request.actor, "change_model_versions", request.organisation)
    if the_version.organisation_id != request.organisation.pk or the_version.published_at:
        messages.error(
            request,
            "Published versions and the original are never edited, so past workshops stay as "
            "they were: copy it into a new draft instead.",
        )
        return _detail_page(request, the_version, status=403)
    form = VersionForm(request.POST or None, content=services.version_content(the_version))
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update(
                version=the_version,
                organisation=request.organisation,
                by=request.actor,
                content=form.content_cleaned(),
            )
        except ValidationError as e:
            form.add_error(None, " ".join(e.messages))
        else:
            messages.success(request, "Saved. It stays a draft until you publish it.")
            return redirect("version_detail", request.organisation.slug, the_version.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "model_content/versions/edit.html",
        {"version": the_version, "form": form},
        status=status,
    )


@organisation_view
@form_back("version_detail", "version", fetch=lambda request, version: _version(request, version))
def version_publish(request: OrganisationRequest, version) -> HttpResponse:
    the_version = _version(request, version)
    services.version_publish(
        version=the_version, organisation=request.organisation, by=request.actor
    )
    messages.success(request, "Published: new workshops will use this version.")
    return redirect("version_detail", request.organisation.slug, the_version.code)


@organisation_view
@require_GET
def version_compare(request: OrganisationRequest, version) -> HttpResponse:
    the_version = _version(request, version)
    original = model_version_original()
    return render(
        request,
        "model_content/versions/compare.html",
        {
            "version": the_version,
            "original": original,
            "barriers": services.version_compare(the_version, original),
        },
    )


@organisation_view
@require_GET
def version_export(request: OrganisationRequest, version) -> HttpResponse:
    the_version = _version(request, version)
    audit_record(
        organisation=request.organisation,
        user=request.user,
        role=request.membership.role,
        action="version_exported",
        summary=f"Downloaded {the_version.label} as a file.",
        request=request,
    )
    response = HttpResponse(
        json.dumps(services.version_content(the_version), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    name = slugify(f"{the_version.label}") or "breakthrough-model"
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@organisation_view
def version_import(request: OrganisationRequest) -> HttpResponse:
    ensure(request.actor, "change_model_versions", request.organisation)
    form = VersionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = version_file_read(raw=form.cleaned_data["file"].read())
            version = services.version_import(
                organisation=request.organisation, by=request.actor, data=data
            )
        except ValidationError as e:
            # One line under the file for each problem found, with where it is in the file.
            form.add_error("file", e.messages)
        else:
            messages.success(request, "Imported as a new draft: check it, then publish it.")
            return redirect("version_detail", request.organisation.slug, version.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "model_content/versions/import.html", {"form": form}, status=status)
