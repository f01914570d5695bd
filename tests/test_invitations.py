"""Inviting people: a single-use, expiring link that lands the invitee in the organisation."""

import datetime
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Participant
from organisations.models import Invitation, Membership
from tests.factories import PASSWORD


def invite(client, email="newcomer@example.org", role="member"):
    return client.post(
        reverse("member_invite", kwargs={"org": "northshire"}), {"email": email, "role": role}
    )


def link_in_last_mail() -> str:
    return re.search(r"http://\S+/invitations/(\S+)/", mail.outbox[-1].body).group(0)


def test_an_invitee_sets_a_password_and_lands_in_the_organisation(client_for, alice, client):
    assert invite(client_for(alice)).status_code == 302
    assert mail.outbox[-1].to == ["newcomer@example.org"]
    link = link_in_last_mail()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and len(token) >= 40  # only a hash is stored

    client.logout()
    path = link.split("127.0.0.1:8000")[-1]
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "first_name": "Nia",
            "last_name": "Newcomer",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation_home", kwargs={"org": "northshire"})
    membership = Membership.objects.get(user__email="newcomer@example.org")
    assert membership.role == "member"
    assert client.get(response["Location"]).status_code == 200


def test_a_used_link_is_refused(client_for, alice, client):
    invite(client_for(alice))
    path = link_in_last_mail().split("127.0.0.1:8000")[-1]
    client.logout()
    data = {"first_name": "N", "last_name": "N", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(path, data).status_code == 302
    client.logout()
    again = client.post(path, data)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_an_expired_link_is_refused(client_for, alice, client):
    invite(client_for(alice))
    path = link_in_last_mail().split("127.0.0.1:8000")[-1]
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user__email="newcomer@example.org").exists()


def test_a_made_up_token_is_refused(client, db):
    response = client.get(reverse("invitation_accept", kwargs={"token": "not-a-real-token"}))
    assert response.status_code == 410


def test_a_member_or_viewer_cannot_invite(client_for, bob, vic):
    assert invite(client_for(bob)).status_code == 403
    assert invite(client_for(vic)).status_code == 403
    assert not Invitation.objects.exists()


def test_a_malformed_email_is_refused_with_the_form_kept(client_for, alice):
    response = invite(client_for(alice), email="not an email")
    assert response.status_code == 400
    assert "not an email" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invitation_from_a_workshop_makes_the_invitee_a_participant(workshop, alice, client):
    from assessments.selectors.workshops import workshop_actor_for
    from assessments.services.setup import participant_invite
    from organisations.services import invitation_accept

    invitation, token = participant_invite(
        workshop=workshop,
        email="late@example.org",
        actor=workshop_actor_for(workshop=workshop, user=alice),
    )
    _, user = invitation_accept(token=token, first_name="L", last_name="Ate", password=PASSWORD)
    assert Participant.objects.filter(workshop=workshop, user=user).exists()


def test_an_email_typed_in_capitals_is_invited_and_confirmed_as_it_is_stored(client_for, alice):
    response = invite(client_for(alice), email="  Nadia.Khan@Example.ORG ")
    page = client_for(alice).get(response["Location"]).content.decode()
    assert mail.outbox[-1].to == ["nadia.khan@example.org"]
    assert "Invitation sent to nadia.khan@example.org." in page


def test_an_invitation_from_a_workshop_accepted_after_it_closed_joins_the_organisation_only(
    northshire, alice, team
):
    """Someone invited at step 2 who accepts after the close is a member of the organisation;
    the closed record keeps its participants and its revision."""
    from assessments.models import Workshop
    from assessments.selectors.workshops import workshop_actor_for
    from assessments.services.setup import participant_invite
    from organisations.services import invitation_accept
    from tests.builders import workshop_completed

    workshop = workshop_completed(
        organisation=northshire, facilitator=alice, members=team, closed=False
    )
    invitation, token = participant_invite(
        workshop=workshop,
        email="late@example.org",
        actor=workshop_actor_for(workshop=workshop, user=alice),
    )
    Workshop.objects.filter(pk=workshop.pk).update(closed_at=timezone.now())
    workshop.refresh_from_db()
    before = (workshop.revision, sorted(workshop.participants.values_list("user_id", flat=True)))

    _, user = invitation_accept(token=token, first_name="L", last_name="Ate", password=PASSWORD)

    assert Membership.objects.filter(organisation=northshire, user=user, role="member").exists()
    workshop.refresh_from_db()
    after = (workshop.revision, sorted(workshop.participants.values_list("user_id", flat=True)))
    assert after == before
    assert not Participant.objects.filter(user=user).exists()
