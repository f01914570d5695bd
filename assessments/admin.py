from django.contrib import admin

from assessments import models
from assessments.services.workshop import workshop_touch


@admin.register(models.Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    """Read-mostly: ratings stay hidden here too; records of a closed workshop are never deleted."""

    list_display = ("title", "organisation", "date", "step", "closed_at")
    list_filter = ("organisation",)
    # Its unit too: a series belongs to one unit, and the units page keeps the tree.
    readonly_fields = (
        "code",
        "unit",
        "revision",
        "revealed_at",
        "assessment_closed_at",
        "closed_at",
    )
    exclude = ("barriers",)

    def has_change_permission(self, request, obj=None):
        # A closed workshop is a record: read-only here as everywhere else.
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_closed)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.closed_at is None

    def save_model(self, request, obj, form, change):
        # Every open page, the live poll and the cached PDFs key on the revision: an edit
        # here must move it as the services do (the admin's save is one transaction).
        super().save_model(request, obj, form, change)
        if change:
            workshop_touch(obj)
