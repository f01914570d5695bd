from django.contrib.auth import views as auth_views
from django.urls import path

from organisations import oidc, views, views_units

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("accounts/sso/", oidc.SsoStart.as_view(), name="sso_start"),
    path("accounts/sso/callback/", oidc.SsoCallback.as_view(), name="sso_callback"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("accounts/sign-in-link/", views.sign_in_link_request, name="sign_in_link_request"),
    path("accounts/sign-in-link/use/", views.sign_in_link_use, name="sign_in_link_use"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
]

# Under /o/<org>/: who is in the organisation.
organisation_urlpatterns = [
    path("members/", views.members, name="members"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit.csv", views.audit_log_csv, name="audit_log_csv"),
    path("members/invite/", views.member_invite, name="member_invite"),
    path("members/role/", views.member_role, name="member_role"),
    path("members/remove/", views.member_remove, name="member_remove"),
    path(
        "invitations/<uuid:invitation>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("sign-in/", views.sign_in_settings, name="sign_in_settings"),
    path("sign-in/ways/", views.sign_in_methods, name="sign_in_methods"),
    path("sign-in/admit/", views.sso_admission_add, name="sso_admission_add"),
    path("sign-in/admit/remove/", views.sso_admission_remove, name="sso_admission_remove"),
    path("privacy/", views.privacy_notice, name="privacy_notice"),
    path("privacy/edit/", views.privacy_notice_edit, name="privacy_notice_edit"),
    # The organisation's units (organisations/views_units.py).
    path("units/", views_units.units, name="units"),
    path("units/add/", views_units.unit_add, name="unit_add"),
    path("units/<uuid:unit>/", views_units.unit_detail, name="unit_detail"),
    path("units/<uuid:unit>/rename/", views_units.unit_rename, name="unit_rename"),
    path("units/<uuid:unit>/move/", views_units.unit_move, name="unit_move"),
    path("units/<uuid:unit>/delete/", views_units.unit_delete, name="unit_delete"),
    path("units/<uuid:unit>/people/", views_units.unit_member_set, name="unit_member_set"),
    path(
        "units/<uuid:unit>/people/remove/",
        views_units.unit_member_remove,
        name="unit_member_remove",
    ),
]
