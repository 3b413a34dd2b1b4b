from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import District, Label, Organization


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "uscc", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "uscc"]
    raw_id_fields = ["park"]
