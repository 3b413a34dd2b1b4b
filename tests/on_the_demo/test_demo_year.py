"""The demo year, loaded on a fixed day (Monday 2026-12-07, 10:00 in Shanghai): its headline figures, read as the
bulletin reads them, stay what they are — and the year before is lighter, so that 同比 has something to show."""

import datetime
from collections import Counter
from statistics import median

from chainserve.chains.models import Chain
from chainserve.core.clock import frozen, local
from chainserve.core.models import Notification, OutboxTask, User
from chainserve.core.tasks import email_notification
from chainserve.demands.models import DemandEvent
from chainserve.demo import CHAIN_NAME
from chainserve.reports.dashboard import monthly
from chainserve.reports.figures import Period, Scope, compute_all

from .conftest import DEMO_DAY

HEADLINE = ["demands_received", "demands_resolved", "response_rate", "resolution_rate", "satisfaction_rate",
            "avg_working_days", "meetings_held", "activities_held", "agreements_credit_fen", "pairings"]
# (key, this year, the year before): credit lines in 亿元
EXPECTED = {
    "demands_received": (297, 198),
    "demands_resolved": (264, 182),
    "response_rate": (95.5, 91.9),
    "resolution_rate": (95.0, 91.9),
    "satisfaction_rate": (95.6, 87.6),
    "avg_working_days": (7.8, 9.3),
    "meetings_held": (10, 4),
    "activities_held": (64, 42),
    "agreements_credit_fen": (58.77, 25.56),
    "pairings": (35, 25),
}


def headline(report):
    values = {v.figure.key: v.value for v in report.values}
    values["agreements_credit_fen"] = float(values["agreements_credit_fen"]) / 10**10
    return {key: values[key] for key in HEADLINE}


def test_the_demo_year_tells_its_story_in_stable_figures(db):
    now = local(2026, 12, 7, 10)
    assert now == DEMO_DAY
    with frozen(now):
        office, chain = User.objects.get(username="office"), Chain.objects.get(name=CHAIN_NAME)
        scope = Scope(user=office, chain=chain)
        year, before = (headline(compute_all(Period.year(y), scope)) for y in (2026, 2025))
        trend = monthly(Period.year(2026), Scope(user=office, chain=chain))

    assert {key: (year[key], before[key]) for key in HEADLINE} == EXPECTED
    # closing takes working days, not minutes
    assert 3 <= year["avg_working_days"] <= 10
    # the year before is lighter on every count, and slower
    assert all(year[key] > before[key] for key in ["demands_received", "demands_resolved", "meetings_held",
                                                  "activities_held", "agreements_credit_fen", "pairings",
                                                  "response_rate", "resolution_rate", "satisfaction_rate"])
    assert year["avg_working_days"] < before["avg_working_days"]
    # every month of the year has demands, none is a spike
    received = trend["received"][:11]
    assert min(received) > 0 and max(received) <= 2 * median(received)
    # past records are not news: nothing older than two weeks is unread, no task is queued for it
    fortnight = now - datetime.timedelta(days=14)
    assert not Notification.objects.filter(read_at__isnull=True, created__lt=fortnight).exists()
    assert not OutboxTask.objects.filter(task_path=email_notification.module_path).exists()
    queued = [row.args[0] for row in OutboxTask.objects.filter(task_path__endswith="notify_demand_event")]
    assert not DemandEvent.objects.filter(pk__in=queued, at__lt=fortnight).exists()
    unread = Counter(Notification.objects.filter(read_at__isnull=True).values_list("user__username", flat=True))
    assert max(unread.values()) < 50
