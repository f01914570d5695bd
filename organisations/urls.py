from django.contrib.auth import views as auth_views
from django.urls import path

from organisations import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
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
]
