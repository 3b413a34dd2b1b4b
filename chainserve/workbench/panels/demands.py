"""The panels of the demand desks: the office's (待派单, due, overdue, sent back, escalations, this month's rates)
and the department handler's inbox (working days left, waiting for the enterprise apart, overdue first)."""

from django.db.models import Count as Counted
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chainserve.core.models import oversees
from chainserve.core.panels import Count, Panel, url
from chainserve.demands import metrics
from chainserve.demands.choices import OPEN_STATUSES, RUNNING_STATUSES, EscalationLevel, Status
from chainserve.demands.countdown import SENT_BACK_Q, due_soon_q, overdue_q
from chainserve.demands.models import BEING_HANDLED, Demand
from chainserve.resources.applications import UNPAID_STATES
from chainserve.resources.models import PolicyApplication

SHOWN = 8  # the demands a panel lists; its counts link to the rest
QUEUED = [Status.NEW, Status.ACCEPTED]
OPEN = [s.value for s in OPEN_STATUSES]


def office_counts(user, now):
    """{name: count} of the office's desk in one query over the open demands user may see (each count is of open
    ones: the status index leaves the year's closed demands unread), as the pages its counts link to list them: the
    queue's (to dispatch) only those it acts on, not those it oversees in the regions below (their chain offices'
    work: demands.models.demand_scope)."""
    acts = Demand.scope(user, "change") if oversees(user) else Q()
    escalated = {f"level{level}": Counted("id", filter=Q(escalation_level=level))
                 for level in EscalationLevel.values if level}
    return Demand.objects.restrict(user).filter(status__in=OPEN_STATUSES).aggregate(
        queue=Counted("id", filter=Q(status__in=QUEUED) & acts), soon=Counted("id", filter=due_soon_q(now)),
        overdue=Counted("id", filter=overdue_q(now)), sent_back=Counted("id", filter=SENT_BACK_Q & acts),
        **escalated)


def office(user, now):
    c = office_counts(user, now)
    desk = Panel("desk", _("Today's work"), counts=[
        Count(_("Waiting for dispatch"), c["queue"], url("demands:queue")),
        Count(_("Due within a working day"), c["soon"], url("demands:demands", query={"due_soon": "true"}), "soon"),
        Count(_("Overdue"), c["overdue"], url("demands:demands", query={"overdue": "true"}), "overdue"),
        Count(_("Sent back, to dispatch again"), c["sent_back"], url("demands:queue", query={"sent_back": "true"})),
    ])
    desk.rows = list(Demand.objects.restrict(user).filter(status__in=RUNNING_STATUSES).filter(
        overdue_q(now) | due_soon_q(now)).select_related(
        "organization", "lead_department").order_by("resolve_due", "pk")[:SHOWN])
    desk.more = url("demands:demands", query={"status": [s.value for s in RUNNING_STATUSES], "sort": "resolve_due"})
    escalations = Panel("counts", _("Escalations waiting"), counts=[
        Count(label, c[f"level{level}"], url("demands:demands", query={"escalation_level": level, "status": OPEN}))
        for level, label in EscalationLevel.choices if level] + [unpaid_approvals(user)])
    return [desk, escalations, rates(user, now)]


def unpaid_approvals(user):
    """Approved policy applications escalated because they were not paid by their deadline (still unpaid)."""
    unpaid = [s.value for s in UNPAID_STATES]
    count = PolicyApplication.objects.restrict(user).filter(state__in=unpaid).exclude(
        escalation_level=EscalationLevel.NONE).count()
    return Count(_("Approvals unpaid past their deadline"), count, url(
        "resources:applications", query={"escalation_level": EscalationLevel.OFFICE, "state": unpaid}))


def rates(user, now):
    """This month's 响应率, 解决率 and 满意率 in user's scope (demands.metrics), linked to the metrics page."""
    today = timezone.localtime(now).date()
    start = today.replace(day=1)
    figures = metrics.totals(start, today, user=user, now=now)
    link = url("demands:metrics", query={"from": start.isoformat(), "to": today.isoformat()})
    shown = [(_("Response rate"), figures.response_rate), (_("Resolution rate"), figures.resolution_rate),
             (_("Satisfaction rate"), figures.satisfaction_rate)]
    return Panel("counts", _("This month's rates"), counts=[
        Count(label, "—" if rate is None else f"{rate}%", link) for label, rate in shown],
        data={"note": _("Demands received since %(day)s; — where there is nothing to count yet.") % {
            "day": start.isoformat()}})


def handler(user, now):
    """The department's inbox: what runs, nearest deadline (so overdue) first, and what waits for the enterprise."""
    inbox = Demand.objects.restrict(user).filter(BEING_HANDLED)
    c = inbox.aggregate(running=Counted("id", filter=Q(status=Status.DISPATCHED)),
                        overdue=Counted("id", filter=overdue_q(now)), soon=Counted("id", filter=due_soon_q(now)),
                        waiting=Counted("id", filter=Q(status=Status.WAITING)))
    shown = inbox.select_related("organization", "category").order_by("resolve_due", "pk")
    running = Panel("inbox", _("My department's inbox"), counts=[
        Count(_("Being handled"), c["running"], url("demands:inbox", query={"status": Status.DISPATCHED.value})),
        Count(_("Overdue"), c["overdue"], url("demands:inbox", query={"overdue": "true"}), "overdue"),
        Count(_("Due within a working day"), c["soon"], url("demands:inbox", query={"due_soon": "true"}), "soon"),
    ], rows=list(shown.filter(status=Status.DISPATCHED)[:SHOWN]),
        more=url("demands:inbox", query={"status": Status.DISPATCHED.value}))
    waiting = Panel("inbox", _("Waiting for the enterprise"), counts=[
        Count(_("Waiting for the enterprise"), c["waiting"], url("demands:inbox", query={"status": Status.WAITING.value})),
    ], rows=list(shown.filter(status=Status.WAITING)[:SHOWN]),
        more=url("demands:inbox", query={"status": Status.WAITING.value}),
        data={"note": _("The clock stops while the enterprise answers.")})
    return [running, waiting, rates(user, now)]
