from django.contrib import admin

from model_content import models


def _frozen(version) -> bool:
    """The original, a published version, or one a workshop pinned: workshops' pages, wall
    charts and PDFs read it, so it is read-only here as in the app (copy it into a draft to
    change it)."""
    return version.is_original or version.published_at is not None or version.workshops.exists()


class FrozenVersionAdmin(admin.ModelAdmin):
    """Read-only for the rows of a frozen version; ``version_of`` says which it belongs to."""

    @staticmethod
    def version_of(obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or not _frozen(self.version_of(obj))
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or not _frozen(self.version_of(obj))
        )


class BarrierStageInline(admin.StackedInline):
    model = models.BarrierStage
    extra = 0


class BreakthroughPointInline(admin.TabularInline):
    model = models.BreakthroughPoint
    extra = 0


class DescriptorInline(admin.TabularInline):
    model = models.Descriptor
    extra = 0


@admin.register(models.ModelVersion)
class ModelVersionAdmin(FrozenVersionAdmin):
    @staticmethod
    def version_of(obj):
        return obj

    list_display = ("name", "organisation", "number", "published_at")
    list_filter = ("organisation",)


@admin.register(models.Barrier)
class BarrierAdmin(FrozenVersionAdmin):
    @staticmethod
    def version_of(obj):
        return obj.version

    list_display = ("name", "version", "order", "slug")
    list_filter = ("version",)
    inlines = [BarrierStageInline, BreakthroughPointInline]


@admin.register(models.BarrierStage)
class BarrierStageAdmin(FrozenVersionAdmin):
    @staticmethod
    def version_of(obj):
        return obj.barrier.version

    list_display = ("barrier", "stage", "headline")
    list_filter = ("stage", "barrier__version")
    inlines = [DescriptorInline]


admin.site.register(models.WorkshopStep)
admin.site.register(models.PaperBreakthrough)
