from django.urls import path

from assessments.views import organisations

urlpatterns = [
    path("", organisations.organisation_home, name="organisation_home"),
]
