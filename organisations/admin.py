from django.contrib import admin

from organisations import models
from organisations.forms import StaffAuthenticationForm


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "source")


class SsoAdmissionInline(admin.TabularInline):
    model = models.SsoAdmission
    extra = 0
    fields = ("kind", "value", "role")
    verbose_name = "single sign-on admission"


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "allow_password", "allow_sign_in_link", "allow_sso")
    search_fields = ("name", "slug")
    fieldsets = [
        (None, {"fields": ("name", "slug")}),
        ("Ways in", {"fields": ("allow_password", "allow_sign_in_link", "allow_sso")}),
    ]
    inlines = [SsoAdmissionInline, MembershipInline]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "expires_at", "accepted_at")
    list_filter = ("organisation",)
    readonly_fields = ("token_hash", "accepted_at", "accepted_by", "created_at")


@admin.register(models.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only (organisations/models.py)."""

    list_display = ("at", "organisation", "actor_label", "role", "action", "summary")
    list_filter = ("organisation", "action")
    search_fields = ("actor_label", "summary")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    """Which account each person at the provider signs in as. Deleting one unlinks it: the
    next sign-in links the account with that email again."""

    list_display = ("user", "issuer", "subject", "last_sign_in_at")
    search_fields = ("user__email", "subject")
    readonly_fields = ("user", "issuer", "subject", "created_at", "last_sign_in_at")

    def has_add_permission(self, request):
        return False


admin.site.site_header = "Breakthrough administration"
# The admin's own sign-in is held to each organisation's ways in, as the site's is.
admin.site.login_form = StaffAuthenticationForm
