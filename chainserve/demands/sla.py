"""Deadlines of a demand from its SLA policy and the working-day calendar (Asia/Shanghai)."""

import datetime

from django.utils import timezone

from chainserve.core.reference import per_process
from chainserve.core.workdays import add_working_days, working_days_between

from .models import SlaPolicy


def policy_for(category, priority):
    """The category's policy for the priority, else the default policy, else built-in defaults.
    The policies are kept per process (core.reference): an admin's change counts within a minute."""
    found = per_process("sla", lambda: {(p.category_id, p.priority): p for p in SlaPolicy.objects.all()})
    return found.get((category.pk, priority)) or found.get((None, priority)) or SlaPolicy(priority=priority)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last second of day in the platform's time zone: a deadline is met on its day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def due(start: datetime.datetime, days: int, calendar) -> datetime.datetime:
    """The end of the days-th working day after the day of start."""
    return end_of_day(add_working_days(timezone.localtime(start).date(), days, calendar))


def shift(deadline, days: int, calendar):
    """Move a deadline on by days working days (for a pause or an extension)."""
    if deadline is None or days == 0:
        return deadline
    return end_of_day(add_working_days(timezone.localtime(deadline).date(), days, calendar))


def working_days_since(start: datetime.datetime, end: datetime.datetime, calendar) -> int:
    return working_days_between(timezone.localtime(start).date(), timezone.localtime(end).date(), calendar)
