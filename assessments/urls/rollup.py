from django.urls import path

from assessments.views import rollup

urlpatterns = [
    path("", rollup.rollup, name="rollup"),
    path("w/<uuid:code>/", rollup.rollup_workshop, name="rollup_workshop"),
]
