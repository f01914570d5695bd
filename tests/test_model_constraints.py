"""The orders pages list the model by are the database's to keep: one order per row of a
parent, from 1, and a cell's stage one of the three."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from model_content.models import (
    Barrier,
    BarrierStage,
    BreakthroughPoint,
    Descriptor,
    ModelVersion,
)
from model_content.selectors import model_version_original


def refused(save) -> bool:
    try:
        with transaction.atomic():
            save()
    except IntegrityError:
        return True
    return False


@pytest.fixture
def leadership(db):
    return model_version_original().barriers.get(slug="leadership")


def test_a_second_descriptor_with_an_order_is_refused(leadership):
    cell = leadership.stages.get(stage="starting")
    assert refused(lambda: Descriptor.objects.create(barrier_stage=cell, order=1, text="Again"))
    assert refused(lambda: Descriptor.objects.create(barrier_stage=cell, order=0, text="Zero"))
    # The same order in another cell is another descriptor's.
    other = leadership.stages.get(stage="developing")
    assert not refused(lambda: Descriptor.objects.create(barrier_stage=other, order=99, text="x"))
    assert not refused(lambda: Descriptor.objects.create(barrier_stage=cell, order=99, text="x"))


def test_a_second_breakthrough_point_with_an_order_is_refused(leadership):
    assert refused(lambda: BreakthroughPoint.objects.create(barrier=leadership, order=2, text="x"))
    assert refused(lambda: BreakthroughPoint.objects.create(barrier=leadership, order=0, text="x"))
    point = leadership.points.get(order=1)
    point.order = 2
    assert refused(point.save)


def test_a_second_barrier_with_an_order_or_a_fourth_stage_is_refused(leadership):
    def barrier(order, slug):
        return lambda: Barrier.objects.create(
            version=leadership.version,
            slug=slug,
            order=order,
            name="N",
            symptom="S",
            breakthrough_title="T",
        )

    assert refused(barrier(1, "another"))
    assert refused(barrier(0, "another"))
    assert refused(lambda: BarrierStage.objects.create(barrier=leadership, stage="excelling"))


@pytest.mark.django_db(transaction=True)
def test_the_migration_renumbers_what_the_constraints_would_refuse():
    """Orders the admin allowed before (two rows with one, or 0) are numbered 1, 2, 3 in the
    order pages listed them, so that the constraints can be added to a database that has them."""
    executor = MigrationExecutor(connection)
    before = [("model_content", "0003_organisation_moved")]
    # Every app forward again: going back to 0003 unapplies what depends on 0004 elsewhere.
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        version = apps.get_model("model_content", "ModelVersion").objects.get(
            organisation=None, number=1
        )
        barriers = apps.get_model("model_content", "Barrier").objects.filter(version=version)
        barriers.filter(slug="learning").update(order=1)  # leadership's
        barriers.filter(slug="priorities").update(order=0)
        leadership = barriers.get(slug="leadership")
        points = apps.get_model("model_content", "BreakthroughPoint").objects
        points.filter(barrier=leadership, order=3).update(order=2)
        cell = apps.get_model("model_content", "BarrierStage").objects.get(
            barrier=leadership, stage="starting"
        )
        descriptors = apps.get_model("model_content", "Descriptor").objects
        descriptors.filter(barrier_stage=cell, order__gte=4).update(order=4)
        untouched = list(
            descriptors.exclude(barrier_stage=cell).values_list("pk", "order").order_by("pk")
        )
        expected = list(
            descriptors.filter(barrier_stage=cell).order_by("order", "id").values_list("text")
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    original = ModelVersion.objects.get(organisation=None, number=1)
    assert list(original.barriers.values_list("slug", "order")) == [
        ("priorities", 1),  # 0 comes first, as pages listed it
        ("leadership", 2),
        ("learning", 3),
        ("managing-change", 4),
        ("performance-frameworks", 5),
        ("helping-people-perform", 6),
    ]
    points = original.barriers.get(slug="leadership").points.values_list("order", flat=True)
    assert list(points) == [1, 2, 3, 4, 5]
    cell = BarrierStage.objects.get(
        barrier__version=original, barrier__slug="leadership", stage="starting"
    )
    assert list(cell.descriptors.values_list("text")) == expected
    assert list(cell.descriptors.values_list("order", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert (
        list(
            Descriptor.objects.exclude(barrier_stage=cell).values_list("pk", "order").order_by("pk")
        )
        == untouched
    )
    assert refused(lambda: Descriptor.objects.create(barrier_stage=cell, order=1, text="Again"))
