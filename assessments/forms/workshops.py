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
from organisations.models import Role, person_name

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

    def __init__(self, *args, organisation, barriers, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["barriers"].choices = [(b.slug, b.name) for b in barriers]
        # One filter() so that both conditions hold for the same membership: a member here
        # who is a viewer elsewhere can still take part. In a unit below the top: its people
        # who are not viewers there.
        if unit is None or unit.is_top:
            takers = {
                "memberships__organisation": organisation,
                "memberships__role__in": [Role.FACILITATOR, Role.MEMBER],
            }
        else:
            takers = {
                "memberships__unit_memberships__unit": unit,
                "memberships__unit_memberships__role__in": [Role.FACILITATOR, Role.MEMBER],
            }
            self.fields[
                "participants"
            ].help_text = (
                f"Members and facilitators of {unit.name}; add others to it on its unit page."
            )
        self.fields["participants"].queryset = (
            get_user_model().objects.filter(**takers).order_by("first_name", "last_name", "email")
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


class ActionRowForm(forms.Form):
    """One key action, a row of its barrier's step-4 form (three rows: para 70d).

    A row left empty adds nothing; a row with ``code`` is an action already recorded,
    edited in place.
    """

    code = forms.UUIDField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label="Key action",
        max_length=ACTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": ACTION_MAX}),
        error_messages={"required": "Say what the action is."},
    )
    responsible = forms.TypedChoiceField(required=False, label="Responsible (a member)")
    # Each of the two names says whose it is: two inputs both labelled "…or someone
    # outside Breakthrough" could not be told apart in a screen reader's list of fields,
    # nor by a voice-control user saying the label.
    responsible_name = forms.CharField(
        max_length=NAME_MAX,
        required=False,
        label="Or responsible from outside Breakthrough",
    )
    accountable = forms.TypedChoiceField(required=False, label="Accountable (a member)")
    accountable_name = forms.CharField(
        max_length=NAME_MAX,
        required=False,
        label="Or accountable from outside Breakthrough",
    )
    due_on = DateInRangeField(
        label="Due",
        error_messages={"required": "Give the date the action is due."},
    )
    breakthrough_point = forms.TypedChoiceField(
        required=False, label="Draws on the breakthrough point (optional)"
    )

    # What a row that says anything must have (its people are checked in clean()).
    NEEDED_IN_A_ROW = ("description", "due_on")

    def __init__(self, *args, people, points, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from lists read once for the whole page: a ModelChoiceField queries its
        # people again for every select, six a barrier, 36 on a page of six barriers.
        _choose_from(self.fields["responsible"], people, "Choose a member", person_name)
        _choose_from(self.fields["accountable"], people, "Choose a member", person_name)
        _choose_from(self.fields["breakthrough_point"], points, "None in particular", _point_text)
        if self.empty_permitted:
            # A row not yet recorded may be left empty (fewer than three, with the reason):
            # nothing in it is required, so nothing is marked so, until it is filled in.
            for name in self.NEEDED_IN_A_ROW:
                self.fields[name].required = False

    def clean(self):
        # The service says the same; said here too, every row's problems show at once,
        # not this one only once the others are put right.
        data = super().clean()
        # Reached only for a row with something in it (an empty row is not cleaned).
        for name in self.NEEDED_IN_A_ROW:
            field = self.fields[name]
            if not field.required and name in data and data[name] in field.empty_values:
                self.add_error(name, field.error_messages["required"])
        for who in ("responsible", "accountable"):
            if who in data and not data[who] and not (data.get(f"{who}_name") or "").strip():
                self.add_error(who, f"Choose a member or name the person {who}.")
        return data


def _point_text(point) -> str:
    return point.text_alone


def _choose_from(field: forms.TypedChoiceField, objects, empty_label: str, label_of) -> None:
    """``field`` offers ``objects`` by id and cleans to the object (or None)."""
    by_id = {str(o.pk): o for o in objects}
    field.choices = [("", empty_label), *((key, label_of(o)) for key, o in by_id.items())]

    def coerce(value):
        try:
            return by_id[str(value)]
        except KeyError:
            raise ValueError(value) from None

    field.coerce = coerce
    field.empty_value = None


class BaseActionRowFormSet(forms.BaseFormSet):
    """The key-action rows of one barrier. Its rows are the actions already recorded, then
    empty ones up to three; whether a fourth may be added is the service's to say."""

    def __init__(self, *args, people, points, **kwargs):
        self.people, self.points = people, points
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"people": self.people, "points": self.points}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this action"

    def rows(self) -> list[tuple[int, forms.Form]]:
        """(index, form) of the rows that say something: filled in, or already recorded."""
        return [
            (i, form)
            for i, form in enumerate(self.forms)
            if i < self.initial_form_count() or form.has_changed()
        ]


# Three rows: "the three key actions that will take you there" (para 70d). absolute_max
# only bounds what a crafted request can make the server build.
ActionRowFormSet = forms.formset_factory(
    ActionRowForm,
    formset=BaseActionRowFormSet,
    extra=3,
    max_num=3,
    absolute_max=10,
    can_delete=True,
    can_delete_extra=False,
)


def action_rows_form(*, people, barrier, actions=(), data=None) -> BaseActionRowFormSet:
    """A barrier's key-action rows: those recorded (``actions``), then empty ones up to three.

    Bound to ``data``, the rows are what was sent: the management form says how many were
    recorded when the form was drawn, and no initial values are given, so that an empty row
    is told from a filled one by what was typed in it alone.
    """
    initial = [
        {
            "code": a.code,
            "description": a.description,
            "responsible": a.responsible_id,
            "responsible_name": a.responsible_name,
            "accountable": a.accountable_id,
            "accountable_name": a.accountable_name,
            "due_on": a.due_on,
            "breakthrough_point": a.breakthrough_point_id,
        }
        for a in actions
    ]
    rows = ActionRowFormSet(
        data,
        initial=None if data is not None else initial,
        prefix="actions",
        # Ids of the barrier's own: every card of the page has these rows.
        auto_id=f"action-{barrier.slug}-%s",
        people=people,
        points=list(barrier.points.all()),
    )
    if data is None:
        # A recorded action with one person both responsible and accountable keeps its
        # warning beside it (it is allowed, so nothing else would say it again).
        for form, action in zip(rows.forms, actions, strict=False):
            form.same_person = action.same_person_answers
    return rows


def organisation_people(organisation) -> list:
    """Who can be named responsible or accountable: the organisation's members."""
    return list(
        get_user_model()
        .objects.filter(memberships__organisation=organisation)
        .order_by("first_name", "last_name", "email")
    )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.TextInput(attrs={"maxlength": NOTE_MAX})
    )


class WorkshopDetailsForm(forms.Form):
    title = forms.CharField(max_length=200)
    date = DateInRangeField()


class ReviewRowForm(forms.Form):
    """Where one of last time's actions stands, a row of the review (step 0). A status left
    empty leaves the action as it was: the room may not get through them all at once."""

    status = forms.ChoiceField(required=False)
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, widget=forms.TextInput(attrs={"maxlength": NOTE_MAX})
    )

    def __init__(self, *args, action, **kwargs):
        review = getattr(action, "review", None)
        kwargs.setdefault(
            "initial", {"status": review.status, "note": review.note} if review else {}
        )
        super().__init__(*args, prefix=f"review-{action.code}", **kwargs)
        self.action = action
        # Once reviewed, an action is not "not reviewed" again.
        self.fields["status"].choices = (
            [] if review else [("", "Not reviewed yet")]
        ) + ActionStatus.choices


def review_forms(actions, data=None) -> list[ReviewRowForm]:
    return [ReviewRowForm(data, action=a) for a in actions]


class ReassessForm(forms.Form):
    reassess_on = DateInRangeField(
        label="Date to reassess",
        error_messages={"required": "Give the date to reassess."},
    )


class PersonForm(forms.Form):
    email = forms.EmailField()
