from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from organisations.models import (
    PRIVACY_NOTICE_MAX,
    RETENTION_MONTHS_MAX,
    RetentionAction,
    Role,
    SignInMethod,
    SsoAdmission,
)
from organisations.services import sign_in_method_refusal, way_in_send
from organisations.throttle import wait_message


def refusal_onto(form: forms.Form, e: ValidationError) -> None:
    """A service's refusal shown on the form: beside the field it names, else above it."""
    for field, errors in e.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with an email address: it is the username of every account here."""

    error_messages = {
        **AuthenticationForm.error_messages,
        # Django's own speaks of a "username", a field nobody here is shown.
        "invalid_login": "That email and password do not match an account. Check both: the "
        "password is case-sensitive.",
    }
    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def get_invalid_login_error(self):
        # Refused before the password was looked at: say how long to wait, not "wrong".
        wait = getattr(self.request, "sign_in_wait", 0)
        if wait:
            return ValidationError(wait_message(wait), code="wait")
        return super().get_invalid_login_error()

    def confirm_login_allowed(self, user) -> None:
        """Asked only once the password is right, so the form tells nobody else which
        organisations an email belongs to."""
        super().confirm_login_allowed(user)
        if refusal := sign_in_method_refusal(user=user, method=SignInMethod.PASSWORD):
            raise ValidationError(refusal, code="sign_in_method")


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in, held to the same ways in: a password into the admin is a
    password into every page of the organisation too."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if refusal := sign_in_method_refusal(user=user, method=SignInMethod.PASSWORD):
            raise ValidationError(refusal, code="sign_in_method")


class WayInPasswordResetForm(PasswordResetForm):
    """Django's, except that a member of an organisation that takes no passwords is
    emailed the way in it does take, instead of a link to set a password. The page says
    the same as for anyone, as Django's does."""

    def get_users(self, email):
        for user in super().get_users(email):
            if refusal := sign_in_method_refusal(user=user, method=SignInMethod.PASSWORD):
                way_in_send(user=user, refusal=refusal, asked_for="a new password")
                continue
            yield user


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text="Members take part; viewers (a chief executive, a board member) read and print.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are different.")
        elif p1:
            user = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(p1, user)
            except ValidationError as e:
                self.add_error("password1", e)
        return data


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)


class AuditFilterForm(forms.Form):
    """The audit log's filters, from the query string; every one optional."""

    action = forms.ChoiceField(required=False, label="What")
    person = forms.CharField(required=False, max_length=100, label="Who (name or email)")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actions: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Everything"), *actions.items()]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "action" else "form-control"


class SignInMethodsForm(forms.Form):
    password = forms.BooleanField(
        label="Passwords", required=False, help_text="Each person chooses one when they join."
    )
    sign_in_link = forms.BooleanField(
        label="Sign-in links by email",
        required=False,
        help_text="A link that works once, for a few minutes: for a director without a password.",
    )
    sso = forms.BooleanField(
        label="Single sign-on",
        required=False,
        help_text="Your identity provider signs people in; see who it admits below.",
    )


class SsoAdmissionForm(forms.Form):
    kind = forms.ChoiceField(label="Admit by", choices=SsoAdmission.Kind.choices)
    value = forms.CharField(
        label="Domain or group",
        max_length=255,
        help_text="A domain such as council.gov.uk, or a group as your provider sends it "
        "(for Microsoft Entra ID, the group's object id).",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class RetentionForm(forms.Form):
    """How long closed workshops are kept: for ever, or a number of months or years after
    they close; then anonymised or deleted."""

    keep = forms.ChoiceField(
        label="Keep closed workshops",
        choices=[("forever", "For ever"), ("period", "For a period after they close")],
        widget=forms.RadioSelect,
    )
    amount = forms.IntegerField(label="How long", min_value=1, required=False)
    unit = forms.ChoiceField(
        label="Months or years", choices=[("years", "years"), ("months", "months")]
    )
    action = forms.ChoiceField(
        label="Then", choices=RetentionAction.choices, widget=forms.RadioSelect
    )

    @classmethod
    def for_organisation(cls, organisation):
        months = organisation.retention_months
        in_years = months is not None and months % 12 == 0
        return cls(
            initial={
                "keep": "forever" if months is None else "period",
                "amount": (months // 12 if in_years else months) if months else None,
                "unit": "years" if months is None or in_years else "months",
                "action": organisation.retention_action,
            }
        )

    def clean(self):
        data = super().clean()
        if data.get("keep") == "period":
            amount = data.get("amount")
            if not amount:
                self.add_error("amount", "Say how long, in months or years.")
                return data
            months = amount * 12 if data.get("unit") == "years" else amount
            if months > RETENTION_MONTHS_MAX:
                self.add_error("amount", "At most 100 years.")
                return data
            data["months"] = months
        else:
            data["months"] = None
        return data


class PrivacyNoticeForm(forms.Form):
    text = forms.CharField(
        label="Privacy notice",
        required=False,
        max_length=PRIVACY_NOTICE_MAX,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text="Plain text. A line starting with “# ” is a heading, lines starting with "
        "“- ” a list; a blank line starts a new paragraph. Leave it empty to go back to the "
        "default text.",
    )
