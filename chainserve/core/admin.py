"""Admin pages of core: users, and the working-day calendar (with a warning for years not entered)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _

from . import reference
from .models import ApiToken, AuditEntry, CalendarDay, CalendarYear, Notification, User
from .services import missing_calendar_years


@admin.register(User)
class ChainserveUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "role", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["organization"]
    fieldsets = UserAdmin.fieldsets + ((_("Role"), {"fields": ["role", "organization"]}),)


class ReferenceDataAdmin(admin.ModelAdmin):
    """Admin of data the processes keep (core.reference): this process reads it again after a change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reference.forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        reference.forget()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        reference.forget()


class CalendarWarningMixin:
    def changelist_view(self, request, extra_context=None):
        missing = missing_calendar_years()
        if missing:
            messages.warning(request, _(
                "The holidays of %(years)s are not in the calendar yet: deadlines count Monday to Friday until "
                "they are entered. Add each holiday on a weekday and each 调休 working weekend day, then add the year."
            ) % {"years": ", ".join(map(str, missing))})
        return super().changelist_view(request, extra_context)


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarWarningMixin, ReferenceDataAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarWarningMixin, admin.ModelAdmin):
    list_display = ["year", "source"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "created", "read_at", "emailed_at"]
    raw_id_fields = ["user"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only: entries are written by the platform, never by hand."""

    list_display = ["at", "username", "action", "ip", "detail"]
    list_filter = ["action"]
    search_fields = ["username", "ip", "detail"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens, to see who has one and revoke it (delete); made only by `chainserve token USER`, which
    shows the key once: the database has no key to show."""

    list_display = ["prefix", "user", "created", "expires", "last_used"]
    search_fields = ["prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "prefix", "created", "expires", "last_used"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
