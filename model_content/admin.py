from django.contrib import admin

from model_content import models


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
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "number", "published_at")
    list_filter = ("organisation",)


@admin.register(models.Barrier)
class BarrierAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "order", "slug")
    list_filter = ("version",)
    inlines = [BarrierStageInline, BreakthroughPointInline]


@admin.register(models.BarrierStage)
class BarrierStageAdmin(admin.ModelAdmin):
    list_display = ("barrier", "stage", "headline")
    list_filter = ("stage", "barrier__version")
    inlines = [DescriptorInline]


admin.site.register(models.WorkshopStep)
admin.site.register(models.PaperBreakthrough)
