"""Admin pages of core: users, and the working-day calendar (with a warning for years not entered)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarYear, Notification, User
from .services import missing_calendar_years


@admin.register(User)
class ChainserveUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "role", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["organization"]
    fieldsets = UserAdmin.fieldsets + ((_("Role"), {"fields": ["role", "organization"]}),)


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
class CalendarDayAdmin(CalendarWarningMixin, admin.ModelAdmin):
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
