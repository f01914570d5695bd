from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from organisations.models import Role
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
