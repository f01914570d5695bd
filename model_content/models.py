"""The breakthrough model as data.

The paper (para 65) has three parts: six barriers, three stages of
development, and breakthroughs for moving between them. Organisations are
asked to adapt the descriptors and make the model their own (para 69, 71), so
the content hangs off a ``ModelVersion``: the Audit Commission original has no
organisation, and an organisation's own versions point at theirs. A workshop
pins the version it used, so publishing a new version never rewrites history.
"""

import uuid

from django.db import models


class Stage(models.TextChoices):
    # The three stages stay fixed whatever an organisation adapts (para 67).
    STARTING = "starting", "Starting"
    DEVELOPING = "developing", "Developing"
    CONSOLIDATING = "consolidating", "Consolidating"

    @classmethod
    def position(cls, value: str) -> int:
        """0, 1 or 2: the column of a stage. An order, never a score (para 65)."""
        return cls.values.index(value)


class ModelVersion(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="model_versions",
        help_text="Empty for the Audit Commission original.",
    )
    name = models.CharField(max_length=200)
    number = models.PositiveIntegerField(default=1)
    source = models.TextField(blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="one_number_per_organisation_version"
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=models.Q(organisation__isnull=True),
                name="one_original_per_number",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_original(self) -> bool:
        return self.organisation_id is None

    @property
    def label(self) -> str:
        if self.is_original:
            return self.name
        return f"{self.name} (version {self.number})"


class Barrier(models.Model):
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="barriers")
    slug = models.SlugField(max_length=60)
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    symptom = models.CharField(
        max_length=200, help_text="What managers say, in quotes on the chart."
    )
    breakthrough_title = models.CharField(max_length=200)

    class Meta:
        ordering = ["version_id", "order"]
        # Pages list a version's barriers by order: two with one order would come in either
        # order from one page to the next.
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="one_slug_per_version"),
            models.UniqueConstraint(fields=["version", "order"], name="one_order_per_version"),
            models.CheckConstraint(condition=models.Q(order__gte=1), name="barrier_order_from_1"),
        ]

    def __str__(self) -> str:
        return self.name


def _alone(text: str, endings: tuple[str, ...]) -> str:
    """``text`` without the first of ``endings`` it ends on: the punctuation that ties a
    piece of the paper to what follows it, for a place that shows the piece on its own."""
    text = text.rstrip()
    for ending in endings:
        if text.endswith(ending):
            return text.removesuffix(ending).rstrip()
    return text


class BarrierStage(models.Model):
    """One cell of the wall chart: a barrier at a stage."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    headline = models.TextField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["barrier_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["barrier", "stage"], name="one_cell_per_barrier_stage"),
            # ``Stage.position`` and the wall chart's columns know these three only.
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="barrier_stage_is_a_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.barrier} / {self.get_stage_display()}"

    @property
    def headline_alone(self) -> str:
        """The headline without the colon that leads into its descriptors, for a place
        that does not list them under it (a stage to choose, a cell of the printed chart)."""
        return _alone(self.headline, (":",))


class Descriptor(models.Model):
    barrier_stage = models.ForeignKey(
        BarrierStage, on_delete=models.CASCADE, related_name="descriptors"
    )
    order = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["barrier_stage_id", "order"]
        # Listed by order, and named by (barrier, stage, order) in the organisation's export.
        constraints = [
            models.UniqueConstraint(
                fields=["barrier_stage", "order"], name="one_order_per_barrier_stage"
            ),
            models.CheckConstraint(
                condition=models.Q(order__gte=1), name="descriptor_order_from_1"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class BreakthroughPoint(models.Model):
    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="points")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["barrier_id", "order"]
        # Listed by order, and an action's point travels in the organisation's export as its
        # order, which the import reads as "no point" if it is 0.
        constraints = [
            models.UniqueConstraint(fields=["barrier", "order"], name="one_order_per_barrier"),
            models.CheckConstraint(condition=models.Q(order__gte=1), name="point_order_from_1"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def text_alone(self) -> str:
        """The point as a phrase of its own, without the "; and", ";" or "." that joins it
        to the next in the paper's list: for an action's "Draws on" and a choice to pick."""
        return _alone(self.text, ("; and", ";", "."))


class WorkshopStep(models.Model):
    """The sample workshop structure of para 70, (a) to (e)."""

    code = models.SlugField(max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(unique=True)
    text = models.TextField()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.order}. {self.code}"


class PaperBreakthrough(models.Model):
    """The paper's eight numbered breakthroughs (chapter 3), each feeding a barrier."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    barrier_slug = models.SlugField(max_length=60)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
