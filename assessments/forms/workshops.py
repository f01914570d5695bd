from django import forms
from django.contrib.auth import get_user_model

from assessments.dates import EARLIEST, LATEST, date_in_range
from assessments.ids import id_typed
from assessments.models import (
    ACTION_MAX,
    CHALLENGE_MAX,
    EVIDENCE_MAX,
    NAME_MAX,
    NOTE_MAX,
    RATIONALE_MAX,
    ActionStatus,
)
from model_content.models import Stage
from model_content.selectors import barrier_descriptor_choices
from organisations.models import Role

STAGE_CHOICES = Stage.choices
# A select starts empty, so nobody records a stage by leaving the first one.
STAGE_SELECT = [("", "Choose a stage"), *Stage.choices]


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses a value that cannot be an id before it reaches the database, which on
    SQLite fails (a 500) rather than finding nothing for a number past the bigint range."""

    def _check_values(self, value):
        for pk in value:
            if id_typed(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class DateInRangeField(forms.DateField):
    """A date picker that offers, and a field that accepts, only the dates in range
    (assessments/dates.py)."""

    default_validators = [date_in_range]

    def __init__(self, **kwargs):
        attrs = {"type": "date", "min": EARLIEST.isoformat(), "max": LATEST.isoformat()}
        kwargs.setdefault("widget", forms.DateInput(attrs=attrs, format="%Y-%m-%d"))
        super().__init__(**kwargs)


class WorkshopForm(forms.Form):
    title = forms.CharField(max_length=200)
    date = DateInRangeField()
    barriers = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="All six by default; the paper suggests a team may start with one or two.",
    )
    participants = IdMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Members and facilitators of the organisation; invite others from Members.",
    )
    # A token of this form's own (made when it is shown): sent twice, it makes one workshop.
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)
    anonymous = forms.BooleanField(
        required=False,
        label="Show individual ratings anonymously once revealed",
        help_text=(
            "Each rating is then labelled Participant A, B, C…, in an order that does not "
            "follow the names. Otherwise it shows its author's name (initials on the wall chart)."
        ),
    )
    auto_reveal = forms.BooleanField(
        required=False,
        label="Reveal the ratings as soon as everyone has rated every barrier",
        help_text=(
            "Otherwise you reveal them yourself, when the room is ready (step 3). Either way, "
            "nobody can rate after the reveal."
        ),
    )

    def __init__(self, *args, organisation, barriers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["barriers"].choices = [(b.slug, b.name) for b in barriers]
        self.fields["participants"].queryset = (
            get_user_model()
            # One filter() so that both conditions hold for the same membership: a member
            # here who is a viewer elsewhere can still take part.
            .objects.filter(
                memberships__organisation=organisation,
                memberships__role__in=[Role.FACILITATOR, Role.MEMBER],
            )
            .order_by("first_name", "last_name", "email")
        )
        self.fields["participants"].label_from_instance = lambda u: u.get_full_name() or u.email


class RatingForm(forms.Form):
    stage = forms.ChoiceField(
        choices=STAGE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the stage you see."},
    )
    evidence = forms.CharField(
        max_length=EVIDENCE_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": EVIDENCE_MAX}),
        help_text="Real behaviours and actions you have seen (para 70b).",
        error_messages={"required": "Give the evidence for your rating: what have you seen?"},
    )
    descriptors = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, barrier, **kwargs):
        super().__init__(*args, **kwargs)
        self.barrier = barrier
        self.fields["descriptors"].choices = barrier_descriptor_choices(barrier)


class TimeboxForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=180, required=False)


class ChallengeForm(forms.Form):
    text = forms.CharField(
        label="Your challenge",
        max_length=CHALLENGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": CHALLENGE_MAX}),
    )


class ConsensusForm(forms.Form):
    stage = forms.ChoiceField(
        choices=STAGE_SELECT,
        label="Agreed stage",
        error_messages={"required": "Choose the stage the team agreed."},
    )
    rationale = forms.CharField(
        max_length=RATIONALE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": RATIONALE_MAX}),
        help_text="Why the team agreed on this stage.",
        error_messages={"required": "Say why the team agreed on this stage."},
    )
    lock = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class TargetForm(forms.Form):
    stage = forms.ChoiceField(
        choices=STAGE_SELECT,
        label="Target stage",
        error_messages={"required": "Choose the stage the team wants to reach."},
    )
    fewer_actions_reason = forms.CharField(
        label="If fewer than three key actions: why",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}),
    )


class ActionForm(forms.Form):
    description = forms.CharField(
        max_length=ACTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": ACTION_MAX}),
        error_messages={"required": "Say what the action is."},
    )
    responsible = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Responsible (a member)",
        empty_label="Choose a member",
        help_text="Needed: a member here, or someone outside Breakthrough named below.",
    )
    responsible_name = forms.CharField(
        max_length=NAME_MAX, required=False, label="…or someone outside Breakthrough"
    )
    accountable = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Accountable (a member)",
        empty_label="Choose a member",
        help_text="Needed: a member here, or someone outside Breakthrough named below.",
    )
    accountable_name = forms.CharField(
        max_length=NAME_MAX, required=False, label="…or someone outside Breakthrough"
    )
    due_on = DateInRangeField(
        label="Due",
        error_messages={"required": "Give the date the action is due."},
    )
    breakthrough_point = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Draws on the breakthrough point (optional)",
        empty_label="None in particular",
    )

    def __init__(self, *args, organisation, barrier, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            get_user_model()
            .objects.filter(memberships__organisation=organisation)
            .order_by("first_name", "last_name")
        )
        for name in ("responsible", "accountable"):
            self.fields[name].queryset = people
            self.fields[name].label_from_instance = lambda u: u.get_full_name() or u.email
        self.fields["breakthrough_point"].queryset = barrier.points.all()
        self.fields["breakthrough_point"].label_from_instance = lambda p: p.text_alone


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.TextInput(attrs={"maxlength": NOTE_MAX})
    )


class WorkshopDetailsForm(forms.Form):
    title = forms.CharField(max_length=200)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ReassessForm(forms.Form):
    reassess_on = DateInRangeField(
        label="Date to reassess",
        error_messages={"required": "Give the date to reassess."},
    )


class PersonForm(forms.Form):
    email = forms.EmailField()
