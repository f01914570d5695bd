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
