from django.contrib import admin

from chainserve.core.admin import ReferenceDataAdmin

from .models import Category, ChainIssue, DispatchRule, SlaPolicy


@admin.register(Category)
class CategoryAdmin(ReferenceDataAdmin):
    list_display = ["name", "slug", "position"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ReferenceDataAdmin):
    list_display = ["category", "priority", "accept_days", "answer_days", "resolve_days", "cohandler_days"]


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "district", "chain", "lead_department", "active"]
    raw_id_fields = ["lead_department", "co_departments"]


@admin.register(ChainIssue)
class ChainIssueAdmin(admin.ModelAdmin):
    list_display = ["title", "chain", "created"]
