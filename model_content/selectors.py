"""Reads of the model: one query per table, whatever the number of barriers."""

from django.db.models import Prefetch, QuerySet

from model_content.models import Barrier, BarrierStage, Descriptor, ModelVersion


def model_version_original() -> ModelVersion:
    return ModelVersion.objects.get(organisation__isnull=True, number=1)


def model_version_current(*, organisation) -> ModelVersion:
    """What a new workshop of ``organisation`` uses: its newest published, else the original."""
    own = (
        ModelVersion.objects.filter(organisation=organisation, published_at__isnull=False)
        .order_by("-number")
        .first()
    )
    return own or model_version_original()


def barriers_with_content(*, version: ModelVersion, barriers=None) -> QuerySet[Barrier]:
    """Barriers of ``version`` (or the given subset), with stages, descriptors and points.

    Four queries in all: barriers, stages, descriptors, points.
    """
    qs = barriers if barriers is not None else version.barriers.all()
    return qs.order_by("order").prefetch_related(
        Prefetch(
            "stages",
            queryset=BarrierStage.objects.prefetch_related("descriptors").order_by("id"),
        ),
        "points",
    )


def barrier_descriptor_choices(barrier: Barrier) -> list[tuple[int, str]]:
    """The barrier's descriptors as (pk, text), stage by stage: from the content prefetched
    with the barrier when it has them, otherwise in one query."""
    if "stages" in getattr(barrier, "_prefetched_objects_cache", {}):
        return [(d.pk, d.text) for cell in barrier.stages.all() for d in cell.descriptors.all()]
    return list(Descriptor.objects.filter(barrier_stage__barrier=barrier).values_list("pk", "text"))
