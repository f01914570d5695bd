"""Signing in and out, joining from an invitation, the members, sign-in, audit-log and
privacy-notice pages of an organisation, and the accessibility statement."""

import csv
import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from breakthrough.spreadsheets import csv_safe
from organisations import oidc, privacy, services, throttle
from organisations.access import OrganisationRequest, form_back, organisation_view
from organisations.audit import ACTIONS
from organisations.forms import (
    AuditFilterForm,
    EmailAuthenticationForm,
    InvitationAcceptForm,
    InvitationForm,
    PrivacyNoticeForm,
    RoleForm,
    SignInLinkForm,
    SignInMethodsForm,
    SsoAdmissionForm,
    WayInPasswordResetForm,
    refusal_onto,
)
from organisations.models import (
    AuditEvent,
    Invitation,
    Membership,
    Role,
    SignInMethod,
    SsoAdmission,
)
from organisations.rules import ensure


class SignInView(auth_views.LoginView):
    """Django's sign-in with an email, and the single sign-on button when there is one."""

    authentication_form = EmailAuthenticationForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sso=oidc.sso_configured(), provider_name=settings.OIDC_PROVIDER_NAME, **kwargs
        )

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if getattr(self.request, "sign_in_wait", 0):
            response.status_code = 429  # Too Many Requests: the page says how long to wait
        return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the Breakthrough session. Someone who came in through single sign-on is still
    signed in at the provider: the page offers its sign-out too (a link, so that signing
    out of one application never surprises anyone by signing them out of all of them)."""
    provider_sign_out = oidc.provider_sign_out_url(request)
    logout(request)
    if not provider_sign_out:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return render(
        request,
        "registration/signed_out.html",
        {"provider_sign_out": provider_sign_out, "provider_name": settings.OIDC_PROVIDER_NAME},
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(request.user.memberships.select_related("organisation"))
    if len(memberships) == 1:
        return redirect("organisation_home", memberships[0].organisation.slug)
    return render(request, "home.html", {"memberships": memberships})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, limited per address and per account (organisations/throttle.py); a member
    of an organisation that takes no passwords is emailed the way in it does take."""

    form_class = WayInPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        if not throttle.reset_allowed_from(self.request):
            return render(self.request, "registration/password_reset_throttled.html", status=429)
        email = form.cleaned_data["email"]
        mail_allowed = throttle.reset_mail_allowed(email)
        throttle.reset_requested(self.request, email)
        if not mail_allowed:
            # The same answer as a mail sent, known address or not: it tells nobody anything.
            return redirect(self.get_success_url())
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join an organisation from the emailed link: signed in, or by creating an account."""
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationInvalid as e:
        return render(request, "invitations/invalid.html", {"reason": str(e)}, status=410)
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.email.lower() != invitation.email:
        return render(
            request,
            "invitations/invalid.html",
            {
                "reason": f"This invitation is for {invitation.email}, but you are signed in as "
                f"{user.email}. Sign out and open the link again."
            },
            status=403,
        )
    organisation = invitation.organisation
    if (
        user is None
        and not organisation.allow_password
        and organisation.allow_sso
        and (oidc.sso_configured())
    ):
        # No password to choose: the newcomer signs in through the provider (which lets
        # them in on the strength of this invitation) and comes back here, signed in.
        return render(
            request,
            "invitations/accept.html",
            {
                "invitation": invitation,
                "by_sso": True,
                "provider_name": settings.OIDC_PROVIDER_NAME,
            },
            status=400 if request.method == "POST" else 200,
        )
    form = None if user else InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            invitation, user = services.invitation_accept(
                token=token,
                user=user,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                password=data.get("password1", ""),
            )
        except services.InvitationInvalid as e:
            return render(request, "invitations/invalid.html", {"reason": str(e)}, status=410)
        if not request.user.is_authenticated:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.organisation.name}.")
        return redirect("organisation_home", invitation.organisation.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "invitations/accept.html", {"invitation": invitation, "form": form}, status=status
    )


# ---------------------------------------------------------------- members


def _members_page(request: OrganisationRequest, form: InvitationForm, status: int = 200):
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


@organisation_view
@require_safe
def members(request: OrganisationRequest) -> HttpResponse:
    return _members_page(request, InvitationForm())


@organisation_view
@form_back("members")
def member_invite(request: OrganisationRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                organisation=request.organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.actor,
            )
        except ValidationError as e:
            refusal_onto(form, e)
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


@organisation_view
@form_back("members")
def member_role(request: OrganisationRequest) -> HttpResponse:
    membership = _membership(request)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose facilitator, member or viewer.")
        return redirect("members", request.organisation.slug)
    try:
        services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], actor=request.actor
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            f"{membership.user.get_full_name()} is now a {membership.get_role_display().lower()}.",
        )
    return redirect("members", request.organisation.slug)


@organisation_view
@form_back("members")
def member_remove(request: OrganisationRequest) -> HttpResponse:
    membership = _membership(request)
    try:
        services.membership_remove(membership=membership, actor=request.actor)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, f"{membership.user.get_full_name() or membership.user.email} was removed."
        )
    return redirect("members", request.organisation.slug)


def _invitation_open(request: OrganisationRequest, invitation) -> Invitation:
    """One of the organisation's invitations not yet accepted, or 404."""
    found = request.organisation.invitations.filter(
        code=invitation, accepted_at__isnull=True
    ).first()
    if found is None:
        raise Http404("No such invitation")
    return found


@organisation_view
@form_back("members", fetch=_invitation_open)
def invitation_cancel(request: OrganisationRequest, invitation) -> HttpResponse:
    found = _invitation_open(request, invitation)
    services.invitation_revoke(invitation=found, actor=request.actor)
    messages.success(request, f"The invitation to {found.email} was withdrawn.")
    return redirect("members", request.organisation.slug)


# ---------------------------------------------------------------- sign-in links


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@require_http_methods(["GET", "POST"])
def sign_in_link_request(request: HttpRequest) -> HttpResponse:
    """Ask for a one-time sign-in link by email: for a director who never set a password."""
    form = SignInLinkForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        allowed = throttle.sign_in_link_allowed(request, email)
        throttle.sign_in_link_requested(request, email)
        if allowed:
            services.sign_in_link_send(
                email=email, next_path=_safe_next(request, form.cleaned_data["next"])
            )
        # The same answer whether or not the email is a member's, and when throttled.
        return render(
            request, "registration/sign_in_link_sent.html", {"email": form.cleaned_data["email"]}
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/sign_in_link_request.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def sign_in_link_use(request: HttpRequest) -> HttpResponse:
    """The link from the email. Opening it signs nobody in (mail scanners open links); the
    button on the page does, once."""
    token = request.POST.get("sesame") or request.GET.get("sesame", "")
    next_path = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    user = authenticate(request, sesame=token) if token else None
    if user is None:
        return render(request, "registration/sign_in_link_invalid.html", status=410)
    # A link sent before the organisation stopped taking them.
    if refusal := services.sign_in_method_refusal(user=user, method=SignInMethod.SIGN_IN_LINK):
        return render(request, "registration/sign_in_refused.html", {"reason": refusal}, status=403)
    if request.method == "POST":
        login(request, user)  # moves the last sign-in, so the link works no more
        return redirect(next_path or "home")
    return render(
        request,
        "registration/sign_in_link_use.html",
        {"person": user, "token": token, "next": next_path},
    )


# ---------------------------------------------------------------- the audit log

AUDIT_PAGE_SIZE = 50


def _audit_events(request: OrganisationRequest):
    """The organisation's events as the filters in the query string ask, and the form."""
    ensure(request.actor, "read_audit_log", request.organisation)
    form = AuditFilterForm(request.GET or None, actions=ACTIONS)
    events = AuditEvent.objects.filter(organisation=request.organisation)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["person"]:
            events = events.filter(actor_label__icontains=data["person"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
    return events, form


@organisation_view
@require_safe
def audit_log(request: OrganisationRequest) -> HttpResponse:
    events, form = _audit_events(request)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/audit_log.html",
        {
            "form": form,
            "page": page,
            "actions": ACTIONS,
            "query": query.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@organisation_view
@require_safe
def audit_log_csv(request: OrganisationRequest) -> HttpResponse:
    """The events as the filters ask, all of them, as CSV (for the DPO's own records)."""
    events, _form = _audit_events(request)
    services.audit_log_exported(
        organisation=request.organisation,
        actor=request.actor,
        filters=request.GET.urlencode(),
        request=request,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{request.organisation.slug}-audit-log.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["when (UTC)", "who", "role", "what", "details", "address"])
    for e in events.iterator():
        writer.writerow(
            [
                e.at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                csv_safe(e.actor_label),
                e.role,
                ACTIONS.get(e.action, e.action),
                csv_safe(e.summary),
                e.address or "",
            ]
        )
    return response


# ---------------------------------------------------------------- how people sign in


def _sign_in_page(
    request: OrganisationRequest, methods_form=None, admission_form=None, status: int = 200
):
    organisation = request.organisation
    methods_form = methods_form or SignInMethodsForm(
        initial={
            "password": organisation.allow_password,
            "sign_in_link": organisation.allow_sign_in_link,
            "sso": organisation.allow_sso,
        }
    )
    return render(
        request,
        "organisations/sign_in.html",
        {
            "methods_form": methods_form,
            "admission_form": admission_form or SsoAdmissionForm(),
            "admissions": organisation.sso_admissions.all(),
            "sso": oidc.sso_configured(),
            "provider_name": settings.OIDC_PROVIDER_NAME,
            "groups_claim": settings.OIDC_GROUPS_CLAIM,
        },
        status=status,
    )


@organisation_view
@require_safe
def sign_in_settings(request: OrganisationRequest) -> HttpResponse:
    return _sign_in_page(request)


@organisation_view
@form_back("sign_in_settings")
def sign_in_methods(request: OrganisationRequest) -> HttpResponse:
    ensure(request.actor, "change_sign_in", request.organisation)  # before reading the form
    form = SignInMethodsForm(request.POST)
    if form.is_valid():
        try:
            services.sign_in_methods_set(
                organisation=request.organisation, actor=request.actor, **form.cleaned_data
            )
        except ValidationError as e:
            refusal_onto(form, e)
        else:
            messages.success(request, "Saved: the ways in apply from each person's next sign-in.")
            return redirect("sign_in_settings", request.organisation.slug)
    return _sign_in_page(request, methods_form=form, status=400)


@organisation_view
@form_back("sign_in_settings")
def sso_admission_add(request: OrganisationRequest) -> HttpResponse:
    ensure(request.actor, "change_sign_in", request.organisation)  # before reading the form
    form = SsoAdmissionForm(request.POST)
    if form.is_valid():
        try:
            admission = services.sso_admission_add(
                organisation=request.organisation, actor=request.actor, **form.cleaned_data
            )
        except ValidationError as e:
            refusal_onto(form, e)
        else:
            messages.success(
                request,
                f"{admission.get_kind_display()} {admission.value} now admits people as "
                f"{admission.get_role_display().lower()}s.",
            )
            return redirect("sign_in_settings", request.organisation.slug)
    return _sign_in_page(request, admission_form=form, status=400)


@organisation_view
@form_back("sign_in_settings")
def sso_admission_remove(request: OrganisationRequest) -> HttpResponse:
    ensure(request.actor, "change_sign_in", request.organisation)  # before reading the form
    try:
        admission = request.organisation.sso_admissions.get(pk=int(request.POST.get("id", "")))
    except (ValueError, SsoAdmission.DoesNotExist) as e:
        raise Http404("No such admission") from e
    services.sso_admission_remove(admission=admission, actor=request.actor)
    messages.success(
        request,
        f"{admission.get_kind_display()} {admission.value} admits nobody now; people it "
        "admitted lose that role at their next sign-in.",
    )
    return redirect("sign_in_settings", request.organisation.slug)


# ---------------------------------------------------------------- privacy and accessibility


@organisation_view
@require_safe
def privacy_notice(request: OrganisationRequest) -> HttpResponse:
    """The organisation's privacy notice, for everyone in it."""
    organisation = request.organisation
    return render(
        request,
        "organisations/privacy_notice.html",
        {
            "blocks": privacy.privacy_blocks(privacy.privacy_text(organisation)),
            "is_default": not organisation.privacy_notice,
        },
    )


@organisation_view
@require_http_methods(["GET", "POST"])
def privacy_notice_edit(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    ensure(request.actor, "edit_privacy_notice", organisation)  # before reading the form
    default = privacy.privacy_default(organisation)
    if request.method == "GET":
        form = PrivacyNoticeForm(initial={"text": privacy.privacy_text(organisation)})
        return render(request, "organisations/privacy_notice_edit.html", {"form": form})
    form = PrivacyNoticeForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["text"]
        # Saved unchanged, the default stays the default (it follows the retention period).
        if text.strip() == default:
            text = ""
        try:
            services.privacy_notice_set(organisation=organisation, text=text, actor=request.actor)
        except ValidationError as e:
            refusal_onto(form, e)
        else:
            messages.success(request, "Saved: members now read this privacy notice.")
            return redirect("privacy_notice", organisation.slug)
    return render(request, "organisations/privacy_notice_edit.html", {"form": form}, status=400)


# When this statement was prepared and last reviewed (the regulations ask for the date).
ACCESSIBILITY_PREPARED = datetime.date(2026, 12, 1)


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement the Public Sector Bodies (Websites and Mobile
    Applications) (No. 2) Accessibility Regulations 2018 ask of every public body's site."""
    return render(
        request,
        "accessibility.html",
        {
            "contact": settings.ACCESSIBILITY_CONTACT,
            "prepared": ACCESSIBILITY_PREPARED,
            "site_url": settings.SITE_URL,
        },
    )
