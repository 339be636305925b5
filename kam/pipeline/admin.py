"""Admins maintain sales processes: stages (order, probability, alignment), criteria and sales aids."""

from django.contrib import admin

from kam.core.admin import AuditedModelAdmin
from kam.pipeline.models import SalesAid, SalesProcess, Stage, StageCriterion


class StageInline(admin.TabularInline):
    model = Stage
    fields = (
        "order",
        "code",
        "name",
        "name_en",
        "probability",
        "lead_role",
        "customer_role",
        "procurement_step",
        "milestone",
        "is_won",
    )
    extra = 0
    show_change_link = True


@admin.register(SalesProcess)
class SalesProcessAdmin(AuditedModelAdmin):
    list_display = ("name", "name_en", "is_default", "strict")
    inlines = [StageInline]


class CriterionInline(admin.TabularInline):
    model = StageCriterion
    fields = ("order", "text", "text_en")
    extra = 1


class AidInline(admin.TabularInline):
    model = SalesAid
    fields = ("title", "title_en", "source", "file", "url")
    extra = 1


@admin.register(Stage)
class StageAdmin(AuditedModelAdmin):
    list_display = ("process", "order", "code", "name", "probability")
    list_filter = ("process",)
    inlines = [CriterionInline, AidInline]

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.opportunities.exists()  # an opportunity keeps the stages it used
