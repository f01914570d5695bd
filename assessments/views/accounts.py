from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments.forms.accounts import InvitationAcceptForm
from assessments.services.invitations import (
    InvitationInvalid,
    invitation_for_token,
)
from assessments.services.invitations import (
    invitation_accept as accept,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(request.user.memberships.select_related("organisation"))
    if len(memberships) == 1:
        return redirect("organisation_home", memberships[0].organisation.slug)
    return render(request, "home.html", {"memberships": memberships})


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join an organisation from the emailed link: signed in, or by creating an account."""
    try:
        invitation = invitation_for_token(token)
    except InvitationInvalid as e:
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
    form = None if user else InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            invitation, user = accept(
                token=token,
                user=user,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                password=data.get("password1", ""),
            )
        except InvitationInvalid as e:
            return render(request, "invitations/invalid.html", {"reason": str(e)}, status=410)
        if not request.user.is_authenticated:
            login(request, user, backend="assessments.auth.ModelBackend")
        messages.success(request, f"Welcome to {invitation.organisation.name}.")
        return redirect("organisation_home", invitation.organisation.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "invitations/accept.html", {"invitation": invitation, "form": form}, status=status
    )
