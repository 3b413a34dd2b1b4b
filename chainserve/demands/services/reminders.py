"""The periodic sweep over deadlines: remind lead departments, escalate what is overdue (`demand_sweep`)."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.core.services import notify
from chainserve.core.workdays import current_calendar

from .. import sla
from ..choices import EscalationLevel, Status
from ..models import Demand
from .escalation import escalate
from .transitions import TransitionError


def in_working_hours(now, calendar) -> bool:
    local = timezone.localtime(now)
    start, end = settings.WORKING_HOURS
    return calendar(local.date()) and start <= local.hour < end


def send_reminders(now=None):
    """Remind lead departments of demands due today or overdue — only in working hours on working days,
    at most once a day per demand. Returns how many demands were reminded."""
    now = now or timezone.now()
    calendar = current_calendar()
    if not in_working_hours(now, calendar):
        return 0
    today = timezone.localtime(now).date()
    soon = sla.end_of_day(today)
    count = 0
    for d in Demand.objects.filter(status=Status.DISPATCHED, resolve_due__lte=soon).select_related("lead_department"):
        handlers = User.objects.filter(role=Role.HANDLER, organization_id=d.lead_department_id)
        overdue = d.resolve_due < now
        with translation.override(settings.LANGUAGE_CODE):
            title = (_("Overdue: %(n)s %(t)s") if overdue else _("Due today: %(n)s %(t)s")) % {
                "n": d.number, "t": d.title}
        if handlers.exists():
            notify(handlers, f"demand-reminder:{d.pk}:{today.isoformat()}", title, "", d.get_absolute_url())
            count += 1
    return count


def escalate_overdue(now=None):
    """Escalate to the chain office every open demand past its resolve deadline that is not escalated yet."""
    now = now or timezone.now()
    overdue = Demand.objects.filter(status__in=[Status.DISPATCHED, Status.ACCEPTED], resolve_due__lt=now,
                                    escalation_level=EscalationLevel.NONE)
    count = 0
    for d in overdue.iterator():
        try:
            escalate(d, None, _("Overdue: not resolved by its deadline."), level=EscalationLevel.NONE, system=True)
            count += 1
        except TransitionError:
            continue  # it moved on meanwhile
    return count
