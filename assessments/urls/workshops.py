from django.urls import path

from assessments.views import workshops as v

urlpatterns = [
    path("new/", v.workshop_create, name="workshop_create"),
    path("actions/", v.action_tracker, name="action_tracker"),
    path("actions/<uuid:action>/status/", v.action_status, name="action_status"),
    path("<uuid:code>/", v.workshop_detail, name="workshop_detail"),
    path("<uuid:code>/step/", v.step_move, name="step_move"),
    path("<uuid:code>/timebox/", v.timebox_set, name="timebox_set"),
    path("<uuid:code>/facilitators/", v.facilitators_change, name="facilitators_change"),
    path("<uuid:code>/participants/", v.participant_add, name="participant_add"),
    path("<uuid:code>/understood/", v.understanding_confirm, name="understanding_confirm"),
    path("<uuid:code>/rate/<slug:barrier>/", v.rating_submit, name="rating_submit"),
    path("<uuid:code>/rate/<slug:barrier>/draft/", v.rating_draft, name="rating_draft"),
    path("<uuid:code>/reveal/", v.ratings_reveal, name="ratings_reveal"),
    path("<uuid:code>/ratings/<uuid:rating>/challenge/", v.challenge_add, name="challenge_add"),
    path("<uuid:code>/consensus/<slug:barrier>/", v.consensus_record, name="consensus_record"),
    path("<uuid:code>/target/<slug:barrier>/", v.target_record, name="target_record"),
    path("<uuid:code>/actions/<slug:barrier>/", v.action_add, name="action_add"),
    path("<uuid:code>/actions/<uuid:action>/remove/", v.action_remove, name="action_remove"),
    path("<uuid:code>/review/<uuid:action>/", v.action_review, name="action_review"),
    path("<uuid:code>/reassess/", v.reassessment_date, name="reassessment_date"),
    path("<uuid:code>/reassess.ics", v.reassessment_ics, name="reassessment_ics"),
    path("<uuid:code>/close/", v.workshop_close, name="workshop_close"),
    path("<uuid:code>/reassessment/", v.reassessment_start, name="reassessment_start"),
]
