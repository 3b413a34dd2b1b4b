from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainserve.core.profiles import profile_changed, profiles_changed

from .models import Label, Organization


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["slug", "name"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "uscc", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "uscc"]
    raw_id_fields = ["park"]

    # The admin writes profiles too: it takes the same path as the services (core.profiles).
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the labels are saved by now
        profile_changed(form.instance)

    def delete_model(self, request, obj):
        profile_changed(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        profiles_changed(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
