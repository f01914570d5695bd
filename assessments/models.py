"""What a management team records in a workshop.

URLs carry the public ``code`` (a UUID) of a workshop or action, never the
integer id; every lookup goes through the organisation of the request.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from assessments.dates import date_in_range
from model_content.models import Barrier, BreakthroughPoint, Descriptor, ModelVersion, Stage
from organisations.models import Invitation, Organisation, Unit, person_name

EVIDENCE_MAX = 2000
RATIONALE_MAX = 1000
CHALLENGE_MAX = 1000
ACTION_MAX = 500
NOTE_MAX = 1000
NAME_MAX = 150


class Step(models.IntegerChoices):
    # Step 0 only exists in a reassessment: last workshop's actions are the
    # first agenda item of the next (HM Treasury's "relentless follow-up").
    REVIEW = 0, "Review actions"
    EXPLAIN = 1, "Explain"
    ASSESS = 2, "Assess individually"
    CONSENSUS = 3, "Consensus"
    TARGET = 4, "Target and actions"
    REASSESS = 5, "Reassessment date"


# A short address people can type from the projector: no 0/O or 1/I to confuse.
JOIN_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
JOIN_LENGTH = 8


def join_code_new() -> str:
    return get_random_string(JOIN_LENGTH, JOIN_ALPHABET)


class Workshop(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # /j/<join_code>/: the short address and QR code on the facilitator's screen. It names
    # the workshop only to its organisation's members (anyone else gets a 404).
    join_code = models.CharField(
        max_length=JOIN_LENGTH, default=join_code_new, unique=True, editable=False
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="workshops"
    )
    # The unit that assesses itself (para 70: "at any level of an organisation"): the
    # organisation's top unit unless it was set up for a directorate, service or team. A
    # reassessment stays in its series' unit (services/reassess.py).
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="workshops")
    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.PROTECT, related_name="workshops"
    )
    title = models.CharField(max_length=200)
    date = models.DateField(validators=[date_in_range])
    barriers = models.ManyToManyField(Barrier, related_name="workshops")
    anonymous = models.BooleanField(
        default=False, help_text="Show individual ratings without names once revealed."
    )
    auto_reveal = models.BooleanField(
        default=False,
        help_text="Reveal the ratings the moment everyone has rated every barrier.",
    )
    lead_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_workshops"
    )
    co_facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_facilitated_workshops"
    )
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_workshop"
    )
    step = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.EXPLAIN)
    assessment_closed_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    timebox_ends_at = models.DateTimeField(null=True, blank=True)
    reassess_on = models.DateField(null=True, blank=True, validators=[date_in_range])
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the organisation's retention period anonymised this closed record (people became
    # "Person A", "Person B"; assessments/services/retention.py).
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change anyone can see; the live state endpoint's ETag.
    revision = models.PositiveIntegerField(default=1)
    # The set-up form's own token: a second click on "Create workshop" (or the browser sending
    # the form again) finds the workshop the first made instead of making another.
    submission = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "submission"], name="one_workshop_per_submission"
            ),
            models.CheckConstraint(condition=Q(step__in=Step.values), name="workshop_step_known"),
            # The reveal closes the individual assessment for good (para 70b-c).
            models.CheckConstraint(
                condition=Q(revealed_at__isnull=True) | Q(assessment_closed_at__isnull=False),
                name="revealed_workshop_assessment_closed",
            ),
            # Past the consensus step only once the ratings are revealed.
            models.CheckConstraint(
                condition=Q(step__lte=Step.CONSENSUS) | Q(revealed_at__isnull=False),
                name="workshop_past_consensus_revealed",
            ),
            # A closed workshop closed at its last step, with a date to look again.
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True)
                | Q(step=Step.REASSESS, reassess_on__isnull=False),
                name="closed_workshop_at_reassessment",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def join_url(self) -> str:
        """The short address shown on the projector, whole, as a phone would type it."""
        return settings.SITE_URL + reverse("workshop_join", kwargs={"join_code": self.join_code})

    @property
    def is_revealed(self) -> bool:
        return self.revealed_at is not None


class Participant(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations"
    )
    understood_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="one_participant_each"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Rating(models.Model):
    """A participant's submitted stage and evidence for one barrier.

    Hidden from everyone but its author until the facilitator reveals them.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ratings")
    barrier = models.ForeignKey(Barrier, on_delete=models.PROTECT, related_name="ratings")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    evidence = models.TextField(max_length=EVIDENCE_MAX)
    descriptors = models.ManyToManyField(Descriptor, blank=True, related_name="ratings")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The facilitator who recorded it on the participant's behalf.",
    )
    # When a facilitator's rating on the participant's behalf replaced one the participant had
    # given themselves: the participant is told, and the history says so.
    replaced_own_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["barrier__order", "participant_id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "barrier"], name="one_rating_each"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} on {self.barrier}"


class RatingDraft(models.Model):
    """What a participant has typed but not submitted: saved as they go."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="drafts")
    barrier = models.ForeignKey(Barrier, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    # Longer than the limit on purpose: a draft keeps what was typed, and the
    # limit is enforced when the rating is submitted.
    evidence = models.TextField(blank=True)
    descriptor_ids = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "barrier"], name="one_draft_each"),
        ]

    def __str__(self) -> str:
        return f"Draft of {self.participant} on {self.barrier}"


class Challenge(models.Model):
    """A comment on a piece of evidence (para 70c: challenge the evidence)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="challenges")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=CHALLENGE_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:80]


class Consensus(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="consensuses")
    barrier = models.ForeignKey(Barrier, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    rationale = models.TextField(max_length=RATIONALE_MAX)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a save names the lock it read, and loses if it moved.
    lock = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "barrier"], name="one_consensus_each"),
        ]

    def __str__(self) -> str:
        return f"{self.barrier}: {self.get_stage_display()}"


class Target(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="targets")
    barrier = models.ForeignKey(Barrier, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    fewer_actions_reason = models.TextField(
        max_length=NOTE_MAX,
        blank=True,
        help_text="Why fewer than three key actions will take the team there.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "barrier"], name="one_target_each"),
        ]

    def __str__(self) -> str:
        return f"{self.barrier}: {self.get_stage_display()}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    """One of the three key actions for a barrier (para 70d)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="actions")
    barrier = models.ForeignKey(Barrier, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(max_length=ACTION_MAX)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_responsible",
    )
    responsible_name = models.CharField(max_length=NAME_MAX, blank=True)
    accountable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_accountable",
    )
    accountable_name = models.CharField(max_length=NAME_MAX, blank=True)
    due_on = models.DateField(validators=[date_in_range])
    breakthrough_point = models.ForeignKey(
        BreakthroughPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    status_note = models.TextField(max_length=NOTE_MAX, blank=True)
    # When and by whom the status was last set: whoever follows the actions up (a chief
    # executive, a board) needs to know whether "in progress" is news or months old.
    status_updated_at = models.DateTimeField(null=True, blank=True)
    status_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["barrier__order", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible__isnull=False) | ~Q(responsible_name=""),
                name="action_has_responsible",
            ),
            models.CheckConstraint(
                condition=Q(accountable__isnull=False) | ~Q(accountable_name=""),
                name="action_has_accountable",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def responsible_display(self) -> str:
        return person_name(self.responsible) if self.responsible_id else self.responsible_name

    @property
    def accountable_display(self) -> str:
        return person_name(self.accountable) if self.accountable_id else self.accountable_name

    @property
    def same_person_answers(self) -> bool:
        """One person both responsible and accountable: allowed, and worth a second look
        (para 70d asks for both; the breakthroughs: "be clear about the differences between
        responsibility and accountability")."""
        if self.responsible_id or self.accountable_id:
            return self.responsible_id == self.accountable_id
        return self.responsible_name.strip().casefold() == self.accountable_name.strip().casefold()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue_on(self, day) -> bool:
        """Still open after its due date: flagged in the tracker and the action plan."""
        return self.is_open and self.due_on < day


class ActionReview(models.Model):
    """The first agenda item of a reassessment: where each previous action stands."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="reviews")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField(max_length=NOTE_MAX, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "action"], name="one_review_each"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_status_display()}"


class HistoryEntry(models.Model):
    """Who changed a consensus, target or action, and when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="history")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=40)
    summary = models.TextField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "history entries"

    def __str__(self) -> str:
        return self.summary[:80]


class WorkshopInvitation(models.Model):
    """An invitation sent from a workshop: accepting it adds the newcomer as a participant
    (while the workshop is open)."""

    invitation = models.OneToOneField(
        Invitation, on_delete=models.CASCADE, related_name="workshop_link"
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="workshop_invitations"
    )

    def __str__(self) -> str:
        return f"{self.invitation} for {self.workshop}"


class ReminderSent(models.Model):
    """One reminder email, so that the daily command never sends the same one twice a day."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=100, help_text="The workshop or action code it is about.")
    recipient = models.EmailField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "recipient", "sent_on"], name="one_reminder_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} on {self.sent_on}"


class PdfKind(models.TextChoices):
    """Every document drawn by the task worker (``assessments/documents.py``): a workshop's
    two PDFs, and its Word and spreadsheet files for boards and officers; and the corporate
    roll-up across units, as a PDF and a workbook."""

    WALLCHART = "wallchart", "Wall chart"
    REPORT = "report", "Report"
    REPORT_DOCX = "report_docx", "Report (Word)"
    WORKBOOK = "workbook", "Action plan and ratings (Excel)"
    ACTIONS_CSV = "actions_csv", "Action plan (CSV)"
    RATINGS_CSV = "ratings_csv", "Ratings (CSV)"
    ROLLUP = "rollup", "Roll-up (PDF, A3)"
    ROLLUP_XLSX = "rollup_xlsx", "Roll-up (Excel)"


# The organisation's documents, of no one workshop.
ROLLUP_KINDS = (PdfKind.ROLLUP, PdfKind.ROLLUP_XLSX)


class PdfRenderStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class PdfRender(models.Model):
    """One document (a PDF, the Word report, a spreadsheet) as at one day, drawn by one
    release: asked for, being drawn by a task worker, or drawn (its bytes kept here, so that
    every app server can serve it whatever disk it has).

    Of one workshop at one revision; or, for the roll-up (``workshop`` empty), of one
    organisation as one set of units reads: ``digest`` is a hash of everything the document
    shows (``assessments/selectors/rollup.py``, ``rollup_digest``), so that two people who
    follow the same units share one render, and any change it would show is a new row.

    One row per key, however many ask at once (the constraints): the first ask queues the
    task, every later one waits for that render (``assessments/pdf/queue.py``).
    """

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="pdf_renders", null=True, blank=True
    )
    revision = models.PositiveIntegerField(null=True, blank=True)
    # The roll-up's: whose units, and what it shows.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="rollup_renders",
        null=True,
        blank=True,
    )
    digest = models.CharField(max_length=64, blank=True)
    # Who asked first, and for which level of the tree: the worker reads the roll-up again
    # as that person sees it (another who asks for the same digest sees the same). Gone with
    # the membership (an erasure, a leaver): the next ask is someone else's.
    asked_by = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    release = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=PdfKind.choices)
    # The day the document is as at: it says which open actions are overdue, which changes
    # with the date whatever the revision, so a file drawn on another day is drawn afresh.
    as_at = models.DateField(default=timezone.localdate)
    status = models.CharField(
        max_length=20, choices=PdfRenderStatus.choices, default=PdfRenderStatus.QUEUED
    )
    data = models.BinaryField(null=True, editable=False)
    # False when a chart could not be exported in time: the PDF has its tables and a note,
    # and the worker tries once more a few minutes later.
    charts_complete = models.BooleanField(default=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    asked_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    render_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "revision", "release", "kind", "as_at"],
                name="one_pdf_render_per_key",
            ),
            models.UniqueConstraint(
                fields=["organisation", "digest", "release", "kind", "as_at"],
                condition=models.Q(workshop__isnull=True),
                name="one_rollup_render_per_key",
            ),
            # A workshop's document, or an organisation's roll-up: never both, never neither.
            models.CheckConstraint(
                condition=(
                    Q(workshop__isnull=False, revision__isnull=False)
                    & Q(organisation__isnull=True, digest="", asked_by__isnull=True)
                    & ~Q(kind__in=ROLLUP_KINDS)
                )
                | (
                    Q(workshop__isnull=True, revision__isnull=True)
                    & Q(organisation__isnull=False, kind__in=ROLLUP_KINDS)
                    & ~Q(digest="")
                ),
                name="pdf_render_of_a_workshop_or_a_rollup",
            ),
        ]
        indexes = [models.Index(fields=["status", "asked_at"], name="pdf_render_queue_idx")]

    def __str__(self) -> str:
        of = f"{self.workshop_id} r{self.revision}" if self.workshop_id else self.digest[:12]
        return f"{self.kind} of {of} ({self.status})"


class WorkerHeartbeat(models.Model):
    """A task worker says it is alive every few seconds; ``/readyz`` reads it."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.host} (pid {self.pid})"
