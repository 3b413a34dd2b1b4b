"""Admin pages of core: users, and the working-day calendar (with a warning for years not entered)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import reference
from .forms import label_regions
from .models import ApiToken, AuditEntry, CalendarDay, CalendarYear, Notification, Region, User
from .services import calendar_changed, enter_official_schedule, missing_calendar_years, parse_official_schedule
from .workdays import WorkCalendar


@admin.register(User)
class ChainserveUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "role", "organization", "region", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["organization"]
    # The region: what the user's staff role sees is its subtree (core.region_q); empty, the whole platform.
    fieldsets = UserAdmin.fieldsets + ((gettext_lazy("Role"), {"fields": ["role", "organization", "region"]}),)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "region":
            label_regions(field)  # named with their path: 江南省／明湖市／生物城新区
        return field


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """The region tree — 行政区划: a region moved or recoded takes its subtree's paths with it (Region.save)."""

    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]


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
                "The official holiday schedule of %(years)s is not entered yet: deadlines in it count the statutory "
                "holidays and are marked provisional until it is. Enter the State Council's notice under "
                "Calendar years → Enter the official schedule."
            ) % {"years": ", ".join(map(str, missing))})
        return super().changelist_view(request, extra_context)


class ScheduleForm(forms.Form):
    """The State Council's holiday notice for one year, pasted or uploaded as a text file."""

    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2099)
    text = forms.CharField(label=gettext_lazy("The notice's holidays and working days"), required=False,
                           widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
                           help_text=gettext_lazy("Lines of the notice, such as 「一、元旦:1月1日放假,共1天。」, or one "
                                                  "day a line: 「2027-01-01 放假」, 「2027-02-14 上班」."))
    file = forms.FileField(label=gettext_lazy("or a text file"), required=False)

    def clean(self):
        data = super().clean()
        text = data.get("text") or ""
        upload = data.get("file")
        if upload and not text.strip():
            raw = upload.read(200_000)
            for encoding in ("utf-8-sig", "gb18030"):  # files saved on Chinese Windows are often GB18030
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                self.add_error("file", _("The file is not text (UTF-8 or GB18030)."))
                return data
        data["text"] = text
        if data.get("year") is None:
            return data
        try:
            data["days"] = parse_official_schedule(data["year"], text)
        except ValidationError as e:
            self.add_error("text", e.message_dict["text"])
        return data


class CalendarAdmin(CalendarWarningMixin, ReferenceDataAdmin):
    """A day or a year edited by hand changes deadlines as an entered schedule does: open demands are
    recounted (core.services.calendar_changed) in the same transaction as the edit."""

    def years_of(self, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        before = WorkCalendar()
        years = {self.years_of(obj)}
        if change and form.initial:  # a day moved to another year changes both
            years.add(self.years_of(type(obj)(**{k: v for k, v in form.initial.items() if k in ("date", "year")})))
        super().save_model(request, obj, form, change)
        calendar_changed(years, before, request.user)

    def delete_model(self, request, obj):
        before = WorkCalendar()
        super().delete_model(request, obj)
        calendar_changed([self.years_of(obj)], before, request.user)

    def delete_queryset(self, request, queryset):
        before, years = WorkCalendar(), {self.years_of(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        calendar_changed(years, before, request.user)


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    def years_of(self, obj):
        return obj.date.year


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdmin):
    list_display = ["year", "source"]

    def years_of(self, obj):
        return obj.year
    change_list_template = "admin/core/calendaryear/change_list.html"

    def get_urls(self):
        return [path("enter/", self.admin_site.admin_view(self.enter_view), name="core_calendaryear_enter"),
                *super().get_urls()]

    def enter_view(self, request):
        """Paste or upload the notice, see the days it gives, then save them: open demands' deadlines are
        recounted (core.services.enter_official_schedule)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        missing = missing_calendar_years()
        initial = {"year": missing[-1] if missing else timezone.localdate().year + 1}
        form = ScheduleForm(request.POST or None, request.FILES or None, initial=initial)
        days = None
        if request.method == "POST" and form.is_valid():
            days = form.cleaned_data["days"]
            if "confirm" in request.POST:
                year = form.cleaned_data["year"]
                results = enter_official_schedule(year, days, request.user)
                moved = sum(n for n in results.values() if isinstance(n, int))
                messages.success(request, _(
                    "The %(year)d holiday schedule is entered (%(days)d days); %(moved)d open demands' deadlines "
                    "were recounted.") % {"year": year, "days": len(days), "moved": moved})
                return redirect("admin:core_calendaryear_changelist")
        return TemplateResponse(request, "admin/core/calendaryear/enter_schedule.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "title": _("Enter the official holiday schedule"),
            "days": [(d, w, n, d.weekday() >= 5) for d, w, n in days or []],
        })


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
