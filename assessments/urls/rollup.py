from django.urls import path

from assessments.views import rollup

urlpatterns = [
    path("", rollup.rollup, name="rollup"),
    path("w/<uuid:code>/", rollup.rollup_workshop, name="rollup_workshop"),
    path("comparison/", rollup.comparison, name="comparison"),
    path("comparison/share/", rollup.comparison_share, name="comparison_share"),
]
