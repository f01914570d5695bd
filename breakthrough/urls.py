from django.contrib import admin
from django.urls import include, path

from assessments.views.health import healthz, readyz
from assessments.views.join import workshop_join
from organisations.urls import organisation_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("j/<str:join_code>/", workshop_join, name="workshop_join"),
    path("readyz", readyz, name="readyz"),
    path("", include("organisations.urls")),
    path("model/", include("model_content.urls")),
    path("o/<slug:org>/", include("assessments.urls.organisations")),
    path("o/<slug:org>/", include(organisation_urlpatterns)),
    path("o/<slug:org>/versions/", include("model_content.urls_versions")),
    path("o/<slug:org>/series/", include("assessments.urls.series")),
    path("o/<slug:org>/rollup/", include("assessments.urls.rollup")),
    path("o/<slug:org>/w/", include("assessments.urls.workshops")),
    path("o/<slug:org>/w/<uuid:code>/", include("assessments.urls.live")),
    path("o/<slug:org>/w/<uuid:code>/pdf/", include("assessments.urls.reports")),
]

# A database outage met outside a view is a 503 too (breakthrough/middleware.py).
handler500 = "breakthrough.middleware.server_error"
