"""The calendar page and the iCalendar feed."""

import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from .. import ical, services
from ..models import CalendarFeed

# The months the calendar shows: a far month (9999-12) is refused before the weeks around it and the
# next month's link overflow past year 9999.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _month(value):
    """The first day of the month asked as "YYYY-MM" (none: this month), and None; or this month's first
    day and the message for a month that is not one or is outside FIRST_YEAR…LAST_YEAR."""
    this_month = timezone.localdate().replace(day=1)
    if not (value or "").strip():
        return this_month, None
    try:
        year, month = (int(p) for p in value.split("-"))
        if FIRST_YEAR <= year <= LAST_YEAR:
            return datetime.date(year, month, 1), None
    except ValueError:
        pass
    return this_month, _("Give a month as YYYY-MM, from %(first)s-01 to %(last)s-12.") % {
        "first": FIRST_YEAR, "last": LAST_YEAR}


class CalendarView(LoginRequiredMixin, View):
    """A month of the meetings and activities the user may see, and the user's iCalendar address."""

    def get(self, request):
        first, error = _month(request.GET.get("month"))
        if error:
            messages.error(request, error)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(weeks[0][0], datetime.time.min, tz)
        end = datetime.datetime.combine(weeks[-1][-1] + datetime.timedelta(days=1), datetime.time.min, tz)
        by_day = {}
        for kind, obj in services.calendar_events(request.user, start, end):
            by_day.setdefault(timezone.localtime(obj.starts_at).date(), []).append((kind, obj))
        feed = CalendarFeed.objects.filter(user=request.user).first()
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (first + datetime.timedelta(days=31)).replace(day=1)
        return render(request, "coordination/calendar.html", {
            "first": first,
            "previous": previous if previous.year >= FIRST_YEAR else None,
            "following": following if following.year <= LAST_YEAR else None,
            "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
            "feed_url": request.build_absolute_uri(reverse("coordination:calendar-feed", args=[ical.feed_key(feed)]))
            if feed else None,
        }, status=400 if error else 200)

    def post(self, request):
        services.calendar_feed(request.user, renew=True)
        messages.success(request, _("Your calendar address is ready; an earlier one no longer works."))
        return redirect("coordination:calendar")


FEED_PAST = datetime.timedelta(days=90)
FEED_FUTURE = datetime.timedelta(days=400)


class CalendarFeedView(View):
    """The iCalendar feed of one user (the signed key in the address stands for the user), scoped like the pages."""

    def get(self, request, token):
        stored = ical.token_of(token)
        if stored is None:
            raise Http404
        feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=stored, user__is_active=True)
        now = timezone.now()
        events = []
        for kind, obj in services.calendar_events(feed.user, now - FEED_PAST, now + FEED_FUTURE):
            events.append(ical.event_lines(
                f"{kind}-{obj.pk}@chainserve", obj.starts_at, obj.title,
                request.build_absolute_uri(obj.get_absolute_url()), location=obj.location, stamp=obj.updated,
                cancelled=obj.status == "cancelled"))
        body = ical.calendar(_("Chain service platform"), events)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="chainserve.ics"'
        response["Cache-Control"] = "no-store"  # the token stands for the user: no shared cache keeps it
        return response
