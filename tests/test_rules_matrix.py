"""Every write service, asked by every kind of person: allowed or refused as the matrix says.

The services are called directly (not the views), each with the actor its view would build:
a workshop's services get ``workshop_actor_for`` (the role read now), the organisation's get
``actor_for``. For each cell the workshop is first put at the step the service needs, the
same for every kind of person, so that only *who* asks decides the outcome:

- allowed: the call succeeds and its change is in the database;
- refused: ``PermissionDenied`` with one of the rules' own sentences (not a step's), the
  change is not in the database, and no row of any table moved.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from assessments.models import (
    Action,
    ActionReview,
    ActionStatus,
    Challenge,
    Consensus,
    Participant,
    Rating,
    RatingDraft,
    Step,
    Target,
    Workshop,
    WorkshopInvitation,
)
from assessments.selectors.workshops import workshop_actor_for
from assessments.services import (
    assess,
    consensus,
    explain,
    outcome,
    personal_data,
    reassess,
    setup,
    tracker,
)
from model_content.models import ModelVersion, Stage
from model_content.selectors import model_version_original
from model_content.services import version_content, version_copy, version_publish, version_update
from organisations import rules
from organisations import services as organisation_services
from organisations.access import actor_for
from organisations.models import AuditEvent, Invitation, Membership, Organisation, Role
from tests.factories import MembershipFactory, UserFactory, WorkshopFactory

# ---------------------------------------------------------------- the kinds of person

LEAD = "lead"  # Alice: a facilitator of Northshire, leading this workshop
CO = "co-facilitator"  # Fay: a facilitator of Northshire, named co-facilitator by Alice
FACILITATOR = "facilitator-elsewhere"  # Frank: a facilitator of Northshire, not of this one
PARTICIPANT = "participant"  # Bob: a member taking part
MEMBER = "member-not-taking-part"  # Dan: a member of Northshire, not in this workshop
VIEWER = "viewer"  # Vic: a viewer (the chief executive): reads and prints only
VIEWER_PARTICIPANT = "viewer-with-a-participant-row"  # Pat: took part, since made a viewer
OUTSIDER = "outsider"  # Olga: co-facilitated and took part, then moved to Southshire
REMOVED = "removed"  # Rex: co-facilitated and took part, then was removed from Northshire
KINDS = [LEAD, CO, FACILITATOR, PARTICIPANT, MEMBER, VIEWER, VIEWER_PARTICIPANT, OUTSIDER, REMOVED]

# ---------------------------------------------------------------- who may do what
#
# The workshop's facilitators (the lead and the co-facilitators, while they are facilitators
# of the organisation) run it: they move the steps, set the timebox, decide who takes part,
# reveal the ratings, record the consensus (70c), the target and the three key actions
# (70d), the date to reassess, close it, and review last time's actions. Another facilitator
# of the organisation does not run a workshop she is not named on.
RUNS_THE_WORKSHOP = {LEAD, CO}
# Only the lead hands the lead over or names co-facilitators.
LEADS_IT = {LEAD}
# Each participant confirms they understand the model (70a) and gives their own stage and
# evidence (70b individual assessment); nobody rates for them but a facilitator, on their
# behalf, for someone without a device. A viewer never rates, even one with a participant
# row from before they were made viewer.
TAKES_PART = {PARTICIPANT}
# Challenging the evidence is for the people in the room: participants and facilitators
# (70c challenge the evidence). Not a viewer, not a member who is not taking part.
IN_THE_ROOM = {LEAD, CO, PARTICIPANT}
# The organisation's facilitators, whatever their part in a given workshop: inviting,
# changing and removing members, the organisation's versions of the model, setting up a
# workshop and starting the reassessment of a closed one.
ORG_FACILITATORS = {LEAD, CO, FACILITATOR}
# Where an action stands (the follow-up of 70d) is said by the person responsible for it
# or a facilitator; a viewer follows actions up but changes nothing, even one they are
# named on; a removed member answers for nothing any more.
ANSWERS_FOR_OWN_ACTION = ORG_FACILITATORS | {PARTICIPANT, MEMBER}
# A workshop whose lead was demoted (Alice, for this cell) is taken over by another
# facilitator of the organisation, whether or not she co-facilitated it.
TAKES_OVER = ORG_FACILITATORS - {LEAD}

MATRIX: dict[str, set[str]] = {
    "setup.step_move": RUNS_THE_WORKSHOP,
    "setup.timebox_set": RUNS_THE_WORKSHOP,
    "setup.participants_set": RUNS_THE_WORKSHOP,
    "setup.participant_invite": RUNS_THE_WORKSHOP,
    "setup.lead_hand_over": LEADS_IT,
    "setup.co_facilitator_set": LEADS_IT,
    "setup.lead_take_over": TAKES_OVER,
    # While the lead is a facilitator, the lead is theirs to hand over: nobody takes it.
    "setup.lead_take_over[from a lead still facilitating]": set(),
    "setup.workshop_create": ORG_FACILITATORS,
    "explain.understanding_confirm": TAKES_PART,
    "assess.draft_save": TAKES_PART,
    "assess.rating_submit[own]": TAKES_PART,
    "assess.rating_submit[on_behalf_of]": RUNS_THE_WORKSHOP,
    "assess.ratings_reveal": RUNS_THE_WORKSHOP,
    "consensus.challenge_add": IN_THE_ROOM,
    "consensus.consensus_record": RUNS_THE_WORKSHOP,
    "outcome.barrier_outcome_record[target and an action]": RUNS_THE_WORKSHOP,
    "outcome.barrier_outcome_record[an action removed]": RUNS_THE_WORKSHOP,
    "reassess.reassessment_date_set": RUNS_THE_WORKSHOP,
    "reassess.workshop_close": RUNS_THE_WORKSHOP,
    "reassess.reassessment_start": ORG_FACILITATORS,
    "reassess.actions_review": RUNS_THE_WORKSHOP,
    "tracker.action_status_set[own action]": ANSWERS_FOR_OWN_ACTION,
    "tracker.action_status_set[someone else's]": ORG_FACILITATORS,
    "organisations.invitation_create": ORG_FACILITATORS,
    "organisations.invitation_revoke": ORG_FACILITATORS,
    "organisations.membership_change_role": ORG_FACILITATORS,
    "organisations.membership_remove": ORG_FACILITATORS,
    "model_content.version_copy": ORG_FACILITATORS,
    "model_content.version_update": ORG_FACILITATORS,
    "model_content.version_publish": ORG_FACILITATORS,
    # Who did what, and a person's data (UK GDPR articles 15 and 17): for the people who
    # answer for the organisation's use of Breakthrough.
    "organisations.audit_log_exported": ORG_FACILITATORS,
    "personal_data.person_data_export": ORG_FACILITATORS,
    "personal_data.person_erase": ORG_FACILITATORS,
    "organisations.privacy_notice_set": ORG_FACILITATORS,
    "organisations.retention_set": ORG_FACILITATORS,
    "organisations.comparison_share_set": ORG_FACILITATORS,
}

# What ``ensure`` says when it refuses: a refusal for any other reason (a step, a state)
# would mean the cell did not test who is asking.
REFUSALS = {rule.refusal for rule in rules.RULES.values()} | {
    rules._VIEWER,
    rules._CLOSED,
    "You are no longer a member of this organisation.",
}

TODAY = timezone.localdate()


# ---------------------------------------------------------------- the world of one cell


@dataclass
class World:
    organisation: object
    workshop: Workshop
    people: dict[str, object]
    carol: object  # a second participant, for what is done to someone else

    def at(self, step: int, **fields) -> Workshop:
        """Put the workshop at ``step`` straight through the ORM (revealed past step 2)."""
        now = timezone.now()
        if step >= Step.CONSENSUS:
            fields.setdefault("assessment_closed_at", now)
            fields.setdefault("revealed_at", now)
        Workshop.objects.filter(pk=self.workshop.pk).update(step=step, **fields)
        self.workshop.refresh_from_db()
        return self.workshop

    def reread(self) -> Workshop:
        return Workshop.objects.get(pk=self.workshop.pk)

    def barrier(self, slug: str = "learning"):
        return self.workshop.barriers.get(slug=slug)

    def action(self, workshop=None, responsible=None) -> Action:
        return Action.objects.create(
            workshop=workshop or self.workshop,
            barrier=self.barrier(),
            description="Run learning sets across directorates",
            responsible=responsible or self.carol,
            accountable_name="Chief executive",
            due_on=TODAY + datetime.timedelta(days=60),
        )


def _person(first: str, organisation, role: str):
    user = UserFactory(first_name=first, last_name="Example", email=f"{first.lower()}@example.org")
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def world(northshire, southshire, alice, fay, bob, carol, dan, vic) -> World:
    frank = _person("Frank", northshire, Role.FACILITATOR)
    pat = _person("Pat", northshire, Role.MEMBER)
    rex = _person("Rex", northshire, Role.FACILITATOR)
    olga = _person("Olga", northshire, Role.FACILITATOR)
    workshop = WorkshopFactory(
        organisation=northshire,
        lead_facilitator=alice,
        title="Northshire SMT",
        members=[bob, carol, pat, rex, olga],
        barriers=list(
            model_version_original().barriers.filter(slug__in=["learning", "priorities"])
        ),
    )
    workshop.co_facilitators.add(fay, rex, olga)
    # Pat took part, then was made a viewer. Rex and Olga co-facilitated and took part, then
    # left: Rex was removed (his session may still be open); Olga is now a facilitator of
    # Southshire, so a role read from the wrong organisation would let her in. Each keeps
    # every link to the workshop: only the role in Northshire, read now, may refuse them.
    Membership.objects.filter(user=pat).update(role=Role.VIEWER)
    Membership.objects.filter(user=rex).delete()
    Membership.objects.filter(user=olga).update(organisation=southshire)
    people = {
        LEAD: alice,
        CO: fay,
        FACILITATOR: frank,
        PARTICIPANT: bob,
        MEMBER: dan,
        VIEWER: vic,
        VIEWER_PARTICIPANT: pat,
        OUTSIDER: olga,
        REMOVED: rex,
    }
    return World(organisation=northshire, workshop=workshop, people=people, carol=carol)


@dataclass
class Attempt:
    act: Callable[[rules.Actor], object]
    done: Callable[[], bool]  # the change is in the database
    scope: str = "workshop"  # or "organisation": which actor the service takes


CASES: dict[str, Callable[[World, object], Attempt]] = {}


def case(name: str):
    def register(arrange):
        CASES[name] = arrange
        return arrange

    return register


# ---------------------------------------------------------------- set up and run


@case("setup.step_move")
def _(w, who):
    w.at(Step.EXPLAIN)
    return Attempt(
        act=lambda a: setup.step_move(workshop=w.workshop, to=Step.ASSESS, actor=a),
        done=lambda: w.reread().step == Step.ASSESS,
    )


@case("setup.timebox_set")
def _(w, who):
    w.at(Step.ASSESS)
    return Attempt(
        act=lambda a: setup.timebox_set(workshop=w.workshop, minutes=10, actor=a),
        done=lambda: w.reread().timebox_ends_at is not None,
    )


@case("setup.participants_set")
def _(w, who):
    dan = w.people[MEMBER]
    team = [w.people[PARTICIPANT], w.carol, dan]
    return Attempt(
        act=lambda a: setup.participants_set(workshop=w.workshop, users=team, actor=a),
        done=lambda: Participant.objects.filter(workshop=w.workshop, user=dan).exists(),
    )


@case("setup.participant_invite")
def _(w, who):
    email = "new.director@example.org"
    return Attempt(
        act=lambda a: setup.participant_invite(workshop=w.workshop, email=email, actor=a),
        done=lambda: WorkshopInvitation.objects.filter(
            workshop=w.workshop, invitation__email=email
        ).exists(),
    )


@case("setup.lead_hand_over")
def _(w, who):
    to = w.people[CO]
    return Attempt(
        act=lambda a: setup.lead_hand_over(workshop=w.workshop, to=to, actor=a),
        done=lambda: w.reread().lead_facilitator_id == to.pk,
    )


@case("setup.co_facilitator_set")
def _(w, who):
    frank = w.people[FACILITATOR]
    return Attempt(
        act=lambda a: setup.co_facilitator_set(workshop=w.workshop, user=frank, add=True, actor=a),
        done=lambda: w.workshop.co_facilitators.filter(pk=frank.pk).exists(),
    )


@case("setup.lead_take_over")
def _(w, who):
    alice = w.people[LEAD]
    Membership.objects.filter(user=alice).update(role=Role.MEMBER)
    return Attempt(
        act=lambda a: setup.lead_take_over(workshop=w.workshop, actor=a),
        done=lambda: w.reread().lead_facilitator_id not in (alice.pk, None),
    )


@case("setup.lead_take_over[from a lead still facilitating]")
def _(w, who):
    alice = w.people[LEAD]
    return Attempt(
        act=lambda a: setup.lead_take_over(workshop=w.workshop, actor=a),
        done=lambda: w.reread().lead_facilitator_id != alice.pk,
    )


@case("setup.workshop_create")
def _(w, who):
    def act(a):
        return setup.workshop_create(
            organisation=w.organisation,
            actor=a,
            title="A second workshop",
            date=TODAY,
            barrier_slugs=["learning"],
            participants=[w.people[PARTICIPANT]],
            anonymous=False,
        )

    return Attempt(
        act=act,
        done=lambda: Workshop.objects.filter(title="A second workshop").exists(),
        scope="organisation",
    )


# ---------------------------------------------------------------- steps 1 and 2


@case("explain.understanding_confirm")
def _(w, who):
    w.at(Step.EXPLAIN)
    return Attempt(
        act=lambda a: explain.understanding_confirm(workshop=w.workshop, actor=a),
        done=lambda: Participant.objects.filter(
            workshop=w.workshop, understood_at__isnull=False
        ).exists(),
    )


def _rating_fields(w):
    return {"barrier": w.barrier(), "stage": Stage.DEVELOPING, "evidence": "We saw it happen."}


@case("assess.draft_save")
def _(w, who):
    w.at(Step.ASSESS)
    fields = _rating_fields(w)
    return Attempt(
        act=lambda a: assess.draft_save(workshop=w.workshop, descriptor_ids=[], actor=a, **fields),
        done=lambda: RatingDraft.objects.filter(participant__workshop=w.workshop).exists(),
    )


@case("assess.rating_submit[own]")
def _(w, who):
    w.at(Step.ASSESS)
    fields = _rating_fields(w)
    return Attempt(
        act=lambda a: assess.rating_submit(workshop=w.workshop, actor=a, **fields),
        done=lambda: Rating.objects.filter(participant__workshop=w.workshop).exists(),
    )


@case("assess.rating_submit[on_behalf_of]")
def _(w, who):
    w.at(Step.ASSESS)
    fields = _rating_fields(w)
    carols = Participant.objects.get(workshop=w.workshop, user=w.carol)
    return Attempt(
        act=lambda a: assess.rating_submit(
            workshop=w.workshop, actor=a, on_behalf_of=carols, **fields
        ),
        done=lambda: Rating.objects.filter(participant=carols, given_by__isnull=False).exists(),
    )


@case("assess.ratings_reveal")
def _(w, who):
    w.at(Step.ASSESS)
    return Attempt(
        act=lambda a: assess.ratings_reveal(workshop=w.workshop, actor=a),
        done=lambda: w.reread().is_revealed,
    )


# ---------------------------------------------------------------- steps 3 and 4


@case("consensus.challenge_add")
def _(w, who):
    w.at(Step.CONSENSUS)
    rating = Rating.objects.create(
        participant=Participant.objects.get(workshop=w.workshop, user=w.carol),
        barrier=w.barrier(),
        stage=Stage.CONSOLIDATING,
        evidence="Everyone learns from everyone.",
        submitted_at=timezone.now(),
    )
    return Attempt(
        act=lambda a: consensus.challenge_add(
            workshop=w.workshop, rating=rating, text="In every directorate?", actor=a
        ),
        done=lambda: Challenge.objects.filter(rating=rating).exists(),
    )


@case("consensus.consensus_record")
def _(w, who):
    w.at(Step.CONSENSUS)
    return Attempt(
        act=lambda a: consensus.consensus_record(
            workshop=w.workshop,
            barrier=w.barrier(),
            stage=Stage.DEVELOPING,
            rationale="Most of the evidence points here.",
            lock=0,
            actor=a,
        ),
        done=lambda: Consensus.objects.filter(workshop=w.workshop).exists(),
    )


@case("outcome.barrier_outcome_record[target and an action]")
def _(w, who):
    w.at(Step.TARGET)
    return Attempt(
        act=lambda a: outcome.barrier_outcome_record(
            workshop=w.workshop,
            barrier=w.barrier(),
            stage=Stage.CONSOLIDATING,
            fewer_actions_reason="One action will take us there.",
            actions=[
                {
                    "description": "Learning sets",
                    "responsible": w.carol,
                    "accountable_name": "Chief executive",
                    "due_on": TODAY + datetime.timedelta(days=30),
                }
            ],
            actor=a,
        ),
        done=lambda: (
            Target.objects.filter(workshop=w.workshop).exists()
            and Action.objects.filter(workshop=w.workshop).exists()
        ),
    )


@case("outcome.barrier_outcome_record[an action removed]")
def _(w, who):
    w.at(Step.TARGET)
    action = w.action()
    return Attempt(
        act=lambda a: outcome.barrier_outcome_record(
            workshop=w.workshop,
            barrier=w.barrier(),
            stage=Stage.CONSOLIDATING,
            fewer_actions_reason="We will set them next time.",
            actions=[{"action": action, "remove": True}],
            actor=a,
        ),
        done=lambda: not Action.objects.filter(pk=action.pk).exists(),
    )


# ---------------------------------------------------------------- step 5 and after


@case("reassess.reassessment_date_set")
def _(w, who):
    w.at(Step.REASSESS)
    on = TODAY + datetime.timedelta(days=180)
    return Attempt(
        act=lambda a: reassess.reassessment_date_set(workshop=w.workshop, reassess_on=on, actor=a),
        done=lambda: w.reread().reassess_on == on,
    )


@case("reassess.workshop_close")
def _(w, who):
    w.at(Step.REASSESS, reassess_on=TODAY + datetime.timedelta(days=180))
    return Attempt(
        act=lambda a: reassess.workshop_close(workshop=w.workshop, actor=a),
        done=lambda: w.reread().is_closed,
    )


@case("reassess.reassessment_start")
def _(w, who):
    w.at(Step.REASSESS, reassess_on=TODAY + datetime.timedelta(days=180), closed_at=timezone.now())
    return Attempt(
        act=lambda a: reassess.reassessment_start(workshop=w.workshop, actor=a),
        done=lambda: Workshop.objects.filter(previous=w.workshop).exists(),
        scope="organisation",
    )


@case("reassess.actions_review")
def _(w, who):
    earlier = WorkshopFactory(
        organisation=w.organisation,
        lead_facilitator=w.people[LEAD],
        date=TODAY - datetime.timedelta(days=182),
        step=Step.REASSESS,
        assessment_closed_at=timezone.now(),
        revealed_at=timezone.now(),
        reassess_on=TODAY,
        closed_at=timezone.now(),
    )
    action = w.action(workshop=earlier)
    w.at(Step.REVIEW, previous=earlier)
    return Attempt(
        act=lambda a: reassess.actions_review(
            workshop=w.workshop,
            reviews=[{"action": action, "status": ActionStatus.DONE, "note": "Running."}],
            actor=a,
        ),
        done=lambda: (
            ActionReview.objects.filter(workshop=w.workshop, action=action).exists()
            and Action.objects.get(pk=action.pk).status == ActionStatus.DONE
        ),
    )


# ---------------------------------------------------------------- the action tracker


def _status_set(action):
    return Attempt(
        act=lambda a: tracker.action_status_set(
            action=action, status=ActionStatus.IN_PROGRESS, note="First set met.", actor=a
        ),
        done=lambda: Action.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS,
        scope="organisation",
    )


@case("tracker.action_status_set[own action]")
def _(w, who):
    # The action was agreed in a workshop now closed (the tracker follows actions up after
    # it) and names the person asking as responsible.
    w.at(Step.REASSESS, reassess_on=TODAY + datetime.timedelta(days=180), closed_at=timezone.now())
    return _status_set(w.action(responsible=who))


@case("tracker.action_status_set[someone else's]")
def _(w, who):
    w.at(Step.REASSESS, reassess_on=TODAY + datetime.timedelta(days=180), closed_at=timezone.now())
    return _status_set(w.action(responsible=w.carol))


# ---------------------------------------------------------------- the organisation


def _invitation(w) -> Invitation:
    return Invitation.objects.create(
        organisation=w.organisation,
        email="pending@example.org",
        role=Role.MEMBER,
        token_hash="0" * 64,
        invited_by=w.people[LEAD],
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )


@case("organisations.invitation_create")
def _(w, who):
    return Attempt(
        act=lambda a: organisation_services.invitation_create(
            organisation=w.organisation, email="newcomer@example.org", role=Role.MEMBER, actor=a
        ),
        done=lambda: Invitation.objects.filter(email="newcomer@example.org").exists(),
        scope="organisation",
    )


@case("organisations.invitation_revoke")
def _(w, who):
    invitation = _invitation(w)
    return Attempt(
        act=lambda a: organisation_services.invitation_revoke(invitation=invitation, actor=a),
        done=lambda: Invitation.objects.get(pk=invitation.pk).expires_at <= timezone.now(),
        scope="organisation",
    )


def _dans_membership(w) -> Membership:
    return Membership.objects.get(organisation=w.organisation, user=w.people[MEMBER])


@case("organisations.membership_change_role")
def _(w, who):
    membership = _dans_membership(w)
    return Attempt(
        act=lambda a: organisation_services.membership_change_role(
            membership=membership, role=Role.VIEWER, actor=a
        ),
        done=lambda: Membership.objects.get(pk=membership.pk).role == Role.VIEWER,
        scope="organisation",
    )


@case("organisations.membership_remove")
def _(w, who):
    membership = _dans_membership(w)
    return Attempt(
        act=lambda a: organisation_services.membership_remove(membership=membership, actor=a),
        done=lambda: not Membership.objects.filter(pk=membership.pk).exists(),
        scope="organisation",
    )


# ---------------------------------------------------------------- the organisation's model


@case("model_content.version_copy")
def _(w, who):
    return Attempt(
        act=lambda a: version_copy(
            organisation=w.organisation, source=model_version_original(), by=a
        ),
        done=lambda: ModelVersion.objects.filter(organisation=w.organisation).exists(),
        scope="organisation",
    )


def _draft(w) -> ModelVersion:
    by = actor_for(organisation=w.organisation, user=w.people[LEAD])
    return version_copy(organisation=w.organisation, source=model_version_original(), by=by)


@case("model_content.version_update")
def _(w, who):
    draft = _draft(w)
    content = version_content(draft)
    content["title"] = "Northshire's own words"
    return Attempt(
        act=lambda a: version_update(
            version=draft, organisation=w.organisation, by=a, content=content
        ),
        done=lambda: ModelVersion.objects.get(pk=draft.pk).name == "Northshire's own words",
        scope="organisation",
    )


@case("model_content.version_publish")
def _(w, who):
    draft = _draft(w)
    return Attempt(
        act=lambda a: version_publish(version=draft, organisation=w.organisation, by=a),
        done=lambda: ModelVersion.objects.get(pk=draft.pk).published_at is not None,
        scope="organisation",
    )


# ---------------------------------------------------------------- who did what, and a person's data


def _audited(action: str) -> Callable[[], bool]:
    return lambda: AuditEvent.objects.filter(action=action).exists()


@case("organisations.audit_log_exported")
def _(w, who):
    return Attempt(
        act=lambda a: organisation_services.audit_log_exported(
            organisation=w.organisation, actor=a, filters=""
        ),
        done=_audited("audit_exported"),
        scope="organisation",
    )


@case("personal_data.person_data_export")
def _(w, who):
    return Attempt(
        act=lambda a: personal_data.person_data_export(
            organisation=w.organisation, person=w.carol, actor=a
        ),
        done=_audited("subject_access_export"),
        scope="organisation",
    )


@case("personal_data.person_erase")
def _(w, who):
    # A leaver in no open workshop (Carol takes part in the cell's workshop).
    leo = _person("Leo", w.organisation, Role.MEMBER)
    return Attempt(
        act=lambda a: personal_data.person_erase(organisation=w.organisation, person=leo, actor=a),
        done=lambda: not Membership.objects.filter(user_id=leo.pk).exists(),
        scope="organisation",
    )


@case("organisations.privacy_notice_set")
def _(w, who):
    return Attempt(
        act=lambda a: organisation_services.privacy_notice_set(
            organisation=w.organisation, text="Our own notice.", actor=a
        ),
        done=lambda: (
            Organisation.objects.get(pk=w.organisation.pk).privacy_notice == "Our own notice."
        ),
        scope="organisation",
    )


@case("organisations.retention_set")
def _(w, who):
    return Attempt(
        act=lambda a: organisation_services.retention_set(
            organisation=w.organisation, months=12, action="delete", actor=a
        ),
        done=lambda: Organisation.objects.get(pk=w.organisation.pk).retention_months == 12,
        scope="organisation",
    )


# ---------------------------------------------------------------- comparison with other bodies


def _share(w, share: bool) -> Attempt:
    from organisations.comparison import comparison_share_set
    from organisations.models import ComparisonShare

    return Attempt(
        act=lambda a: comparison_share_set(organisation=w.organisation, share=share, actor=a),
        done=lambda: ComparisonShare.objects.filter(organisation=w.organisation).exists() == share,
        scope="organisation",
    )


@case("organisations.comparison_share_set")
def _(w, who):
    return _share(w, True)


# ---------------------------------------------------------------- the walk


def _tables():
    """The tables the services write: every table of the three apps, and the users."""
    models = [
        model
        for app in ("assessments", "model_content", "organisations")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    return [*models, get_user_model()]


def everything() -> dict[str, list[tuple]]:
    """Every row of every table the services write, as it is now."""
    return {m._meta.label: list(m.objects.order_by("pk").values_list()) for m in _tables()}


CELLS = [
    pytest.param(
        service,
        kind,
        id=f"{service}-{kind}-{'allowed' if kind in MATRIX[service] else 'refused'}",
    )
    for service in MATRIX
    for kind in KINDS
]


def test_every_service_is_in_the_matrix_and_every_case_has_a_row():
    assert set(CASES) == set(MATRIX)
    for allowed in MATRIX.values():
        assert allowed <= set(KINDS)


@pytest.mark.parametrize("service,kind", CELLS)
def test_the_matrix(world, service, kind):
    who = world.people[kind]
    attempt = CASES[service](world, who)
    # The actor as the request would build it now, after the set-up.
    if attempt.scope == "organisation":
        actor = actor_for(organisation=world.organisation, user=who)
    else:
        actor = workshop_actor_for(workshop=world.reread(), user=who)
    assert not attempt.done(), "the set-up already holds the change"

    if kind in MATRIX[service]:
        attempt.act(actor)
        assert attempt.done(), f"{kind} was allowed {service} but nothing changed"
        return
    before = everything()
    with pytest.raises(PermissionDenied) as refused:
        attempt.act(actor)
    assert str(refused.value) in REFUSALS, f"refused for another reason: {refused.value}"
    assert not attempt.done()
    assert everything() == before, f"{service} by {kind} was refused but changed something"


# ---------------------------------------------------------------- each layer on its own
#
# The matrix builds actors the way the views do, so a rule and the selector that fills in
# the actor cover for each other: breaking either one alone changes no cell. These test
# each layer by itself.


def test_the_rules_refuse_a_lead_or_co_facilitator_who_is_no_longer_a_facilitator(world):
    alice, workshop = world.people[LEAD], world.workshop
    for role in (Role.MEMBER, Role.VIEWER, None):
        actor = rules.Actor(
            user=alice,
            role=role,
            organisation_id=workshop.organisation_id,
            workshop=workshop,
            is_lead=True,
            is_co_facilitator=True,
        )
        for permission in ("facilitate", "lead"):
            assert not rules.can(actor, permission, workshop), (role, permission)
            with pytest.raises(PermissionDenied):
                rules.ensure(actor, permission, workshop)


def test_the_actor_of_a_demoted_facilitator_has_no_part_in_running_the_workshop(world):
    alice, fay, workshop = world.people[LEAD], world.people[CO], world.workshop
    Membership.objects.filter(user__in=[alice, fay]).update(role=Role.MEMBER)
    for user in (alice, fay):
        actor = workshop_actor_for(workshop=workshop, user=user)
        assert (actor.role, actor.is_lead, actor.is_co_facilitator) == (Role.MEMBER, False, False)
        with pytest.raises(PermissionDenied):
            setup.step_move(workshop=workshop, to=Step.ASSESS, actor=actor)
    assert world.reread().step == Step.EXPLAIN


# ---------------------------------------------------------------- units
#
# The same walk one level down. Northshire's tree: Northshire > Children's Services > Early
# Help, and Northshire > Adult Social Care. The workshop is Children's Services', led by Uma,
# a facilitator of Children's Services who is a plain member of the organisation: in a
# unit's workshop it is the role in the unit that counts, and nothing comes down the tree.

U_LEAD = "unit-lead"  # Uma: facilitator of Children's Services, leading its workshop
U_FACILITATOR = "unit-facilitator"  # Ulf: facilitator of Children's Services, not named in it
U_PARTICIPANT = "unit-participant"  # Una: member of Children's Services, taking part
U_MEMBER = "unit-member"  # Ugo: member of Children's Services, not taking part
U_VIEWER = "unit-viewer"  # Uve: viewer of Children's Services (its director)
O_FACILITATOR = "organisation-facilitator"  # Alice: facilitator of Northshire, of no unit
O_VIEWER = "organisation-viewer"  # Vic: the chief executive, of no unit
O_MEMBER = "organisation-member"  # Dan: member of Northshire, of no unit
SIBLING = "sibling-unit-facilitator"  # Sid: facilitator of Adult Social Care
BELOW = "unit-below-facilitator"  # Bea: facilitator of Early Help
FORMER = "former-unit-participant"  # Fred: took part, then was taken out of the unit
UNIT_KINDS = [
    U_LEAD,
    U_FACILITATOR,
    U_PARTICIPANT,
    U_MEMBER,
    U_VIEWER,
    O_FACILITATOR,
    O_VIEWER,
    O_MEMBER,
    SIBLING,
    BELOW,
    FORMER,
]

# The unit's facilitators set up its workshops and start their reassessments; its
# workshop is run by the facilitators named in it; its participants rate. The
# organisation's facilitators change the tree and who is in it, and, with the unit's
# facilitators, follow its actions up (an action is an outcome, which they follow).
UNIT_FACILITATORS = {U_LEAD, U_FACILITATOR}
TREE_KEEPERS = {O_FACILITATOR}
UNIT_MATRIX: dict[str, set[str]] = {
    "units.unit_create": TREE_KEEPERS,
    "units.unit_rename": TREE_KEEPERS,
    "units.unit_move": TREE_KEEPERS,
    "units.unit_delete": TREE_KEEPERS,
    "units.unit_member_set": TREE_KEEPERS,
    "units.unit_member_remove": TREE_KEEPERS,
    "setup.workshop_create[in the unit]": UNIT_FACILITATORS,
    "setup.step_move[the unit's workshop]": {U_LEAD},
    "assess.rating_submit[the unit's workshop]": {U_PARTICIPANT},
    "consensus.challenge_add[the unit's workshop]": {U_LEAD, U_PARTICIPANT},
    "reassess.reassessment_start[the unit's workshop]": UNIT_FACILITATORS,
    "tracker.action_status_set[the unit's action]": UNIT_FACILITATORS | {O_FACILITATOR},
    "organisations.comparison_share_set[stop sharing]": TREE_KEEPERS,
}
# Who sees the unit's workshop in full (its ratings and evidence after the reveal): its
# people, and whoever took part. Who follows its outcomes (consensus, target, actions):
# those, and the viewers and facilitators of a unit above it.
SEES_IN_FULL = {U_LEAD, U_FACILITATOR, U_PARTICIPANT, U_MEMBER, U_VIEWER, FORMER}
FOLLOWS_OUTCOMES = SEES_IN_FULL | {O_FACILITATOR, O_VIEWER}

UNIT_REFUSALS = REFUSALS | {rules._NOT_IN_UNIT}


@dataclass
class UnitWorld:
    organisation: object
    units: dict[str, object]
    workshop: Workshop
    people: dict[str, object]

    reread = World.reread
    at = World.at


@pytest.fixture
def unit_world(northshire, alice, vic, dan) -> UnitWorld:
    from organisations.models import UnitMembership
    from organisations.units import top_unit, unit_create

    as_alice = actor_for(organisation=northshire, user=alice)
    top = top_unit(northshire)
    children = unit_create(
        organisation=northshire, parent=top, name="Children's Services", actor=as_alice
    )
    units = {
        "children": children,
        "early": unit_create(
            organisation=northshire, parent=children, name="Early Help", actor=as_alice
        ),
        "adults": unit_create(
            organisation=northshire, parent=top, name="Adult Social Care", actor=as_alice
        ),
    }

    def person(first, unit=None, role=None):
        user = _person(first, northshire, Role.MEMBER)
        if unit is not None:
            UnitMembership.objects.create(
                unit=units[unit],
                membership=Membership.objects.get(organisation=northshire, user=user),
                role=role,
            )
        return user

    people = {
        U_LEAD: person("Uma", "children", Role.FACILITATOR),
        U_FACILITATOR: person("Ulf", "children", Role.FACILITATOR),
        U_PARTICIPANT: person("Una", "children", Role.MEMBER),
        U_MEMBER: person("Ugo", "children", Role.MEMBER),
        U_VIEWER: person("Uve", "children", Role.VIEWER),
        O_FACILITATOR: alice,
        O_VIEWER: vic,
        O_MEMBER: dan,
        SIBLING: person("Sid", "adults", Role.FACILITATOR),
        BELOW: person("Bea", "early", Role.FACILITATOR),
        FORMER: person("Fred", "children", Role.MEMBER),
    }
    workshop = WorkshopFactory(
        organisation=northshire,
        unit=children,
        lead_facilitator=people[U_LEAD],
        title="Children's Services DMT",
        members=[people[U_PARTICIPANT], people[FORMER]],
        barriers=list(model_version_original().barriers.filter(slug__in=["learning"])),
    )
    UnitMembership.objects.filter(membership__user=people[FORMER]).delete()
    return UnitWorld(organisation=northshire, units=units, workshop=workshop, people=people)


UNIT_CASES: dict[str, Callable[[UnitWorld, object], Attempt]] = {}


def unit_case(name: str):
    def register(arrange):
        UNIT_CASES[name] = arrange
        return arrange

    return register


@unit_case("units.unit_create")
def _(w, who):
    from organisations.units import unit_create

    return Attempt(
        act=lambda a: unit_create(
            organisation=w.organisation, parent=w.units["children"], name="Fostering", actor=a
        ),
        done=lambda: w.organisation.units.filter(name="Fostering").exists(),
        scope="organisation",
    )


@unit_case("units.unit_rename")
def _(w, who):
    from organisations.models import Unit
    from organisations.units import unit_rename

    unit = w.units["early"]
    return Attempt(
        act=lambda a: unit_rename(unit=unit, name="Early Help and Prevention", actor=a),
        done=lambda: Unit.objects.get(pk=unit.pk).name == "Early Help and Prevention",
        scope="organisation",
    )


@unit_case("units.unit_move")
def _(w, who):
    from organisations.models import Unit
    from organisations.units import unit_move

    unit, to = w.units["early"], w.units["adults"]
    return Attempt(
        act=lambda a: unit_move(unit=unit, parent=to, actor=a),
        done=lambda: Unit.objects.get(pk=unit.pk).parent_id == to.pk,
        scope="organisation",
    )


@unit_case("units.unit_delete")
def _(w, who):
    from organisations.models import Unit
    from organisations.units import unit_delete

    unit = Unit.objects.create(
        organisation=w.organisation, parent=w.units["adults"], name="An empty team"
    )
    return Attempt(
        act=lambda a: unit_delete(unit=unit, actor=a),
        done=lambda: not Unit.objects.filter(pk=unit.pk).exists(),
        scope="organisation",
    )


@unit_case("units.unit_member_set")
def _(w, who):
    from organisations.models import UnitMembership
    from organisations.units import unit_member_set

    dans = Membership.objects.get(organisation=w.organisation, user=w.people[O_MEMBER])
    return Attempt(
        act=lambda a: unit_member_set(
            unit=w.units["children"], membership=dans, role=Role.FACILITATOR, actor=a
        ),
        done=lambda: UnitMembership.objects.filter(membership=dans).exists(),
        scope="organisation",
    )


@unit_case("units.unit_member_remove")
def _(w, who):
    from organisations.models import UnitMembership
    from organisations.units import unit_member_remove

    ugos = UnitMembership.objects.get(membership__user=w.people[U_MEMBER])
    return Attempt(
        act=lambda a: unit_member_remove(unit_membership=ugos, actor=a),
        done=lambda: not UnitMembership.objects.filter(pk=ugos.pk).exists(),
        scope="organisation",
    )


@unit_case("setup.workshop_create[in the unit]")
def _(w, who):
    def act(a):
        return setup.workshop_create(
            organisation=w.organisation,
            unit=w.units["children"],
            actor=a,
            title="A second Children's workshop",
            date=TODAY,
            barrier_slugs=["learning"],
            participants=[w.people[U_PARTICIPANT]],
            anonymous=False,
        )

    return Attempt(
        act=act,
        done=lambda: Workshop.objects.filter(title="A second Children's workshop").exists(),
        scope="organisation",
    )


@unit_case("setup.step_move[the unit's workshop]")
def _(w, who):
    w.at(Step.EXPLAIN)
    return Attempt(
        act=lambda a: setup.step_move(workshop=w.workshop, to=Step.ASSESS, actor=a),
        done=lambda: w.reread().step == Step.ASSESS,
    )


@unit_case("assess.rating_submit[the unit's workshop]")
def _(w, who):
    w.at(Step.ASSESS)
    barrier = w.workshop.barriers.get()
    return Attempt(
        act=lambda a: assess.rating_submit(
            workshop=w.workshop,
            actor=a,
            barrier=barrier,
            stage=Stage.DEVELOPING,
            evidence="We saw it happen.",
        ),
        done=lambda: Rating.objects.filter(participant__workshop=w.workshop).exists(),
    )


@unit_case("consensus.challenge_add[the unit's workshop]")
def _(w, who):
    w.at(Step.CONSENSUS)
    rating = Rating.objects.create(
        participant=Participant.objects.get(workshop=w.workshop, user=w.people[FORMER]),
        barrier=w.workshop.barriers.get(),
        stage=Stage.CONSOLIDATING,
        evidence="Everyone learns from everyone.",
        submitted_at=timezone.now(),
    )
    return Attempt(
        act=lambda a: consensus.challenge_add(
            workshop=w.workshop, rating=rating, text="In every team?", actor=a
        ),
        done=lambda: Challenge.objects.filter(rating=rating).exists(),
    )


def _closed(w):
    w.at(Step.REASSESS, reassess_on=TODAY + datetime.timedelta(days=180), closed_at=timezone.now())


@unit_case("reassess.reassessment_start[the unit's workshop]")
def _(w, who):
    _closed(w)
    return Attempt(
        act=lambda a: reassess.reassessment_start(workshop=w.workshop, actor=a),
        done=lambda: Workshop.objects.filter(
            previous=w.workshop, unit=w.units["children"]
        ).exists(),
        scope="organisation",
    )


@unit_case("tracker.action_status_set[the unit's action]")
def _(w, who):
    _closed(w)
    action = Action.objects.create(
        workshop=w.workshop,
        barrier=w.workshop.barriers.get(),
        description="Learning sets across the teams",
        responsible_name="A practice lead outside Breakthrough",
        accountable_name="Director of Children's Services",
        due_on=TODAY + datetime.timedelta(days=60),
    )
    action = Action.objects.select_related("workshop__unit").get(pk=action.pk)
    return Attempt(
        act=lambda a: tracker.action_status_set(
            action=action, status=ActionStatus.IN_PROGRESS, note="Started.", actor=a
        ),
        done=lambda: Action.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS,
        scope="organisation",
    )


@unit_case("organisations.comparison_share_set[stop sharing]")
def _(w, who):
    from organisations.models import ComparisonShare

    ComparisonShare.objects.create(organisation=w.organisation)
    return _share(w, False)


UNIT_CELLS = [
    pytest.param(
        service,
        kind,
        id=f"{service}-{kind}-{'allowed' if kind in UNIT_MATRIX[service] else 'refused'}",
    )
    for service in UNIT_MATRIX
    for kind in UNIT_KINDS
]


def test_every_unit_service_is_in_the_unit_matrix_and_every_case_has_a_row():
    assert set(UNIT_CASES) == set(UNIT_MATRIX)
    for allowed in UNIT_MATRIX.values():
        assert allowed <= set(UNIT_KINDS)


@pytest.mark.parametrize("service,kind", UNIT_CELLS)
def test_the_unit_matrix(unit_world, service, kind):
    w = unit_world
    who = w.people[kind]
    attempt = UNIT_CASES[service](w, who)
    if attempt.scope == "organisation":
        actor = actor_for(organisation=w.organisation, user=who)
    else:
        actor = workshop_actor_for(workshop=w.reread(), user=who)
    assert not attempt.done(), "the set-up already holds the change"

    if kind in UNIT_MATRIX[service]:
        attempt.act(actor)
        assert attempt.done(), f"{kind} was allowed {service} but nothing changed"
        return
    before = everything()
    with pytest.raises(PermissionDenied) as refused:
        attempt.act(actor)
    assert str(refused.value) in UNIT_REFUSALS, f"refused for another reason: {refused.value}"
    assert not attempt.done()
    assert everything() == before, f"{service} by {kind} was refused but changed something"


@pytest.mark.parametrize("kind", UNIT_KINDS)
def test_who_sees_a_units_workshop_in_full_and_who_follows_its_outcomes(unit_world, client, kind):
    """The rules, and the workshop's page: in full for the unit's people and whoever took
    part; its outcomes for them and the viewers and facilitators above (the roll-up)."""
    from organisations.units import units_tree

    w = unit_world
    who = w.people[kind]
    workshop = w.reread()
    workshop.unit = units_tree(w.organisation).by_id[workshop.unit_id]
    actor = workshop_actor_for(workshop=workshop, user=who)
    assert rules.sees_workshop(actor, workshop) == (kind in SEES_IN_FULL)
    assert rules.follows_workshop(actor, workshop) == (kind in FOLLOWS_OUTCOMES)
    client.force_login(who)
    from django.urls import reverse

    page = reverse("workshop_detail", kwargs={"org": "northshire", "code": workshop.code})
    assert client.get(page).status_code == (200 if kind in SEES_IN_FULL else 404)
