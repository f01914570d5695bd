from django.urls import path

from assessments.views import organisations, personal_data

urlpatterns = [
    path("", organisations.organisation_home, name="organisation_home"),
    path("personal-data/", personal_data.personal_data, name="personal_data"),
    path("personal-data/export/", personal_data.person_export, name="person_export"),
    path("personal-data/erase/", personal_data.person_erase_view, name="person_erase"),
    path("personal-data/retention/", personal_data.retention_settings, name="retention_settings"),
]
