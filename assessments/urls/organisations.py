from django.urls import path

from assessments.views import organisations

urlpatterns = [
    path("", organisations.organisation_home, name="organisation_home"),
    path("members/", organisations.members, name="members"),
    path("members/invite/", organisations.member_invite, name="member_invite"),
    path("members/role/", organisations.member_role, name="member_role"),
    path("members/remove/", organisations.member_remove, name="member_remove"),
    path(
        "invitations/<uuid:invitation>/cancel/",
        organisations.invitation_cancel,
        name="invitation_cancel",
    ),
]
