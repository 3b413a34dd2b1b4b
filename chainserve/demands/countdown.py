"""Working days left — 剩余工作日 — of a demand: the figure, its tone (red overdue, amber ≤ 1 day, green) and the
conditions the workbench counts and the lists filter by, kept in one place so that a count and its list agree."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chainserve.core.workdays import add_working_days, current_calendar, working_days_between

from . import sla
from .choices import RUNNING_STATUSES, Status

SOON_DAYS = 1  # amber: due within this many working days


def working_days_left(due: datetime.datetime, now: datetime.datetime, calendar) -> int:
    """Working days from today to the day of due: 0 when due today, negative when overdue (−n: n working days
    after the due day have begun; a deadline passed over a weekend is −0, reported as overdue by the caller)."""
    today, day = timezone.localtime(now).date(), timezone.localtime(due).date()
    if day >= today:
        return working_days_between(today, day, calendar)
    return -working_days_between(day, today, calendar)


def soon_limit(now: datetime.datetime, calendar=None) -> datetime.datetime:
    """The end of the SOON_DAYS-th working day after today: a deadline up to then has at most SOON_DAYS left."""
    today = timezone.localtime(now).date()
    return sla.end_of_day(add_working_days(today, SOON_DAYS, calendar or current_calendar()))


def overdue_q(now):
    """Running demands past their resolve deadline (waiting for the enterprise stops the clock)."""
    return Q(status__in=RUNNING_STATUSES, resolve_due__lt=now)


def due_soon_q(now, calendar=None):
    """Running demands not overdue yet with at most SOON_DAYS working days left (amber)."""
    return Q(status__in=RUNNING_STATUSES, resolve_due__gte=now, resolve_due__lte=soon_limit(now, calendar))


SENT_BACK_Q = Q(status__in=[Status.NEW, Status.ACCEPTED], sent_back_count__gt=0)


class Countdown(SafeString):
    """The working days left of a demand as a badge with words — 「剩2个工作日」「今天到期」「超期3个工作日」,
    「暂停计时」 while waiting for the enterprise — never colour alone; `tone` is overdue, soon or ok, `plain`
    the text for exports. Empty for a demand no longer open or without a deadline."""

    def __new__(cls, demand, now=None, calendar=None):
        now = now or timezone.now()
        tone, text = "", ""
        if demand.status == Status.WAITING:
            tone, text = "paused", _("clock paused")
        elif demand.status in RUNNING_STATUSES and demand.resolve_due:
            n = working_days_left(demand.resolve_due, now, calendar or current_calendar())
            if demand.resolve_due < now:
                tone = "overdue"
                text = ngettext("%(n)d working day overdue", "%(n)d working days overdue", -n) % {"n": -n} if n \
                    else _("overdue")
            else:
                tone = "soon" if n <= SOON_DAYS else "ok"
                text = ngettext("%(n)d working day left", "%(n)d working days left", n) % {"n": n} if n \
                    else _("due today")
        html = format_html('<span class="countdown countdown-{}">{}</span>', tone, text) if text else ""
        self = super().__new__(cls, html)
        self.tone, self.plain = tone, text
        return self
