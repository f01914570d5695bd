from django.urls import path

from model_content import views_versions as v

urlpatterns = [
    path("", v.version_list, name="version_list"),
    path("import/", v.version_import, name="version_import"),
    path("<uuid:version>/", v.version_detail, name="version_detail"),
    path("<uuid:version>/copy/", v.version_copy, name="version_copy"),
    path("<uuid:version>/edit/", v.version_edit, name="version_edit"),
    path("<uuid:version>/publish/", v.version_publish, name="version_publish"),
    path("<uuid:version>/compare/", v.version_compare, name="version_compare"),
    path("<uuid:version>/export.json", v.version_export, name="version_export"),
]
