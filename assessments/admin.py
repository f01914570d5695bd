from django.contrib import admin

from assessments import models


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    inlines = [MembershipInline]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "expires_at", "accepted_at")
    list_filter = ("organisation",)
    readonly_fields = ("token_hash", "accepted_at", "accepted_by", "created_at")


@admin.register(models.Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    """Read-mostly: ratings stay hidden here too; records of a closed workshop are never deleted."""

    list_display = ("title", "organisation", "date", "step", "closed_at")
    list_filter = ("organisation",)
    readonly_fields = ("code", "revision", "revealed_at", "assessment_closed_at", "closed_at")
    exclude = ("barriers",)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.closed_at is None


# The admin's user search for memberships.
admin.site.site_header = "Breakthrough administration"
