from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from assessments.access import OrganisationRequest, organisation_view
from assessments.forms.accounts import InvitationForm, RoleForm
from assessments.models import Membership, Role
from assessments.selectors.workshops import workshops_of
from assessments.services.invitations import invitation_create, invitation_revoke
from assessments.services.organisations import membership_change_role, membership_remove


@organisation_view()
@require_safe
def organisation_home(request: OrganisationRequest) -> HttpResponse:
    return render(
        request,
        "organisations/home.html",
        {"workshops": workshops_of(organisation=request.organisation)},
    )


def _members_page(request: OrganisationRequest, form: InvitationForm, status: int = 200):
    from django.utils import timezone

    memberships = request.organisation.memberships.select_related("user").order_by(
        "role", "user__first_name", "user__email"
    )
    invitations = request.organisation.invitations.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")
    return render(
        request,
        "organisations/members.html",
        {"memberships": memberships, "invitations": invitations, "form": form, "roles": Role},
        status=status,
    )


@organisation_view()
@require_safe
def members(request: OrganisationRequest) -> HttpResponse:
    return _members_page(request, InvitationForm())


@organisation_view(Role.FACILITATOR)
@require_POST
def member_invite(request: OrganisationRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = invitation_create(
                organisation=request.organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("members", request.organisation.slug)
    return _members_page(request, form, status=400)


def _membership(request: OrganisationRequest) -> Membership:
    try:
        return request.organisation.memberships.select_related("user").get(
            user__email__iexact=request.POST.get("email", "")
        )
    except Membership.DoesNotExist as e:
        raise Http404("No such member") from e


@organisation_view(Role.FACILITATOR)
@require_POST
def member_role(request: OrganisationRequest) -> HttpResponse:
    membership = _membership(request)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose facilitator, member or viewer.")
        return redirect("members", request.organisation.slug)
    try:
        membership_change_role(membership=membership, role=form.cleaned_data["role"])
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            f"{membership.user.get_full_name()} is now a {membership.get_role_display().lower()}.",
        )
    return redirect("members", request.organisation.slug)


@organisation_view(Role.FACILITATOR)
@require_POST
def member_remove(request: OrganisationRequest) -> HttpResponse:
    membership = _membership(request)
    try:
        membership_remove(membership=membership)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, f"{membership.user.get_full_name() or membership.user.email} was removed."
        )
    return redirect("members", request.organisation.slug)


@organisation_view(Role.FACILITATOR)
@require_POST
def invitation_cancel(request: OrganisationRequest, invitation) -> HttpResponse:
    found = request.organisation.invitations.filter(
        code=invitation, accepted_at__isnull=True
    ).first()
    if found is None:
        raise Http404("No such invitation")
    invitation_revoke(invitation=found)
    messages.success(request, f"The invitation to {found.email} was withdrawn.")
    return redirect("members", request.organisation.slug)
