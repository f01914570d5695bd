"""The Django admin lists the model and the organisations for a staff superuser."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.mark.parametrize(
    "name",
    [
        "admin:model_content_modelversion_changelist",
        "admin:model_content_barrier_changelist",
        "admin:model_content_barrierstage_changelist",
        "admin:organisations_organisation_changelist",
        "admin:organisations_invitation_changelist",
        "admin:assessments_workshop_changelist",
        "admin:organisations_auditevent_changelist",
    ],
)
def test_the_admin_lists_it(client, db, name, northshire, workshop):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse(name)).status_code == 200


def test_a_barrier_opens_with_its_stages_and_points(client, db):
    from model_content.models import Barrier

    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    barrier = Barrier.objects.get(slug="learning")
    page = client.get(reverse("admin:model_content_barrier_change", args=[barrier.pk]))
    assert page.status_code == 200
    assert "Learning is starting to happen:" in page.content.decode()


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    return client


def _change_form(workshop, **changes) -> dict:
    data = {
        "organisation": workshop.organisation_id,
        "model_version": workshop.model_version_id,
        "title": workshop.title,
        "date": workshop.date.isoformat(),
        "lead_facilitator": workshop.lead_facilitator_id,
        "step": workshop.step,
    }
    return {**data, **changes}


def test_an_admin_edit_of_a_workshop_moves_its_revision(admin_client, workshop):
    before = workshop.revision
    url = reverse("admin:assessments_workshop_change", args=[workshop.pk])
    response = admin_client.post(url, _change_form(workshop, title="Renamed in the admin"))
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "Renamed in the admin"
    assert workshop.revision == before + 1  # open pages and cached PDFs see the change


def test_a_closed_workshop_is_read_only_in_the_admin(admin_client, northshire, alice, team):
    from tests.builders import workshop_completed

    closed = workshop_completed(organisation=northshire, facilitator=alice, members=team)
    url = reverse("admin:assessments_workshop_change", args=[closed.pk])
    assert admin_client.get(url).status_code == 200  # it can still be read
    response = admin_client.post(url, _change_form(closed, title="Rewritten history"))
    assert response.status_code == 403
    closed.refresh_from_db()
    assert closed.title != "Rewritten history"


def test_the_content_of_a_version_workshops_rely_on_is_read_only_in_the_admin(
    admin_client, workshop
):
    """A closed workshop's wall chart, report and PDFs read the version it pinned: changing
    a barrier or a stage of it in the admin would rewrite the record (and not move its
    revision, so cached PDFs would disagree with the pages)."""
    from model_content.models import Barrier, BarrierStage

    barrier = Barrier.objects.get(version=workshop.model_version, slug="learning")
    stage = BarrierStage.objects.get(barrier=barrier, stage="starting")
    pages = [
        (reverse("admin:model_content_barrier_change", args=[barrier.pk]), {"name": "Renamed"}),
        (reverse("admin:model_content_barrierstage_change", args=[stage.pk]), {"headline": "X"}),
        (
            reverse("admin:model_content_modelversion_change", args=[workshop.model_version.pk]),
            {"name": "Renamed"},
        ),
    ]
    for url, data in pages:
        assert admin_client.get(url).status_code == 200  # it can still be read
        assert admin_client.post(url, data).status_code == 403
        delete = url.replace("/change/", "/delete/")
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    barrier.refresh_from_db()
    assert barrier.name == "Learning"
