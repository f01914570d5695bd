from django.contrib import admin

from organisations import models


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


admin.site.site_header = "Breakthrough administration"
