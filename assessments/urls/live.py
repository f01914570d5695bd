from django.urls import path

from assessments.views import live

urlpatterns = [
    path("wallchart/", live.wallchart, name="wallchart"),
    path("state/", live.workshop_state, name="workshop_state"),
]
