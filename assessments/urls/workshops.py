from django.urls import path

from assessments.views import assess, consensus, explain, join, outcome, reassess, setup, tracker

urlpatterns = [
    path("new/", setup.workshop_create, name="workshop_create"),
    path("actions/", tracker.action_tracker, name="action_tracker"),
    path("actions/<uuid:action>/status/", tracker.action_status, name="action_status"),
    path("<uuid:code>/", setup.workshop_detail, name="workshop_detail"),
    path("<uuid:code>/step/", setup.step_move, name="step_move"),
    path("<uuid:code>/details/", setup.workshop_details, name="workshop_details"),
    path("<uuid:code>/join.svg", join.workshop_join_qr, name="workshop_join_qr"),
    path("<uuid:code>/timebox/", setup.timebox_set, name="timebox_set"),
    path("<uuid:code>/facilitators/", setup.facilitators_change, name="facilitators_change"),
    path("<uuid:code>/take-over/", setup.lead_take_over, name="lead_take_over"),
    path("<uuid:code>/participants/", setup.participant_add, name="participant_add"),
    path("<uuid:code>/understood/", explain.understanding_confirm, name="understanding_confirm"),
    path("<uuid:code>/rate/<slug:barrier>/", assess.rating_submit, name="rating_submit"),
    path("<uuid:code>/rate/<slug:barrier>/draft/", assess.rating_draft, name="rating_draft"),
    path("<uuid:code>/reveal/", assess.ratings_reveal, name="ratings_reveal"),
    path(
        "<uuid:code>/ratings/<uuid:rating>/challenge/",
        consensus.challenge_add,
        name="challenge_add",
    ),
    path(
        "<uuid:code>/consensus/<slug:barrier>/", consensus.consensus_record, name="consensus_record"
    ),
    path(
        "<uuid:code>/outcome/<slug:barrier>/",
        outcome.barrier_outcome_record,
        name="barrier_outcome_record",
    ),
    path("<uuid:code>/review/", reassess.actions_review, name="actions_review"),
    path("<uuid:code>/reassess/", reassess.reassessment_date, name="reassessment_date"),
    path("<uuid:code>/reassess.ics", reassess.reassessment_ics, name="reassessment_ics"),
    path("<uuid:code>/close/", reassess.workshop_close, name="workshop_close"),
    path("<uuid:code>/reassessment/", reassess.reassessment_start, name="reassessment_start"),
]
