from django.contrib import admin

from assessments import models


@admin.register(models.Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    """Read-mostly: ratings stay hidden here too; records of a closed workshop are never deleted."""

    list_display = ("title", "organisation", "date", "step", "closed_at")
    list_filter = ("organisation",)
    readonly_fields = ("code", "revision", "revealed_at", "assessment_closed_at", "closed_at")
    exclude = ("barriers",)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.closed_at is None
