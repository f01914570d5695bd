from django.urls import path

from assessments.views import series

urlpatterns = [
    path("", series.series, name="series"),
]
