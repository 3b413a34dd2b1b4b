"""The demo cluster: a fictional city (明湖市), its biomedicine and big-health chain, and two years of the chain's
history up to the day it is loaded — demands, joint meetings, activities, agreements, visits, annual lists; around
it a small province (江南省) with two thinner cities (demo.province).

The history is written through the services, step by step, with the platform's clock (core.clock) set to each
step's instant (timeline.Schedule), so that events, deadlines, counters and the figures computed from them are
what they would be had it happened. Generated from fixed seeds and the day it is loaded: the same day gives the
same demo. Idempotent: loaded once, later calls change nothing.

Past records are not news: the notifications of what happened before the last two weeks were read long ago,
and no task is left queued for them; those of the last two weeks are delivered as the worker would have
delivered them, at their events' instants, and wait unread.
"""

import datetime
from importlib import import_module

from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from chainserve.chains.models import Chain
from chainserve.core.models import Notification, OutboxTask
from chainserve.demands.tasks import notify_demand_event

from . import province
from .activities import Activities
from .cluster import DEMO_PASSWORD, ClusterBuilder
from .demands import set_up_rules, story
from .lists import Lists
from .meetings import Meetings
from .names import CHAIN_NAME, ROLE_USERS
from .party import Party
from .plans import Planner
from .proposals import Proposals
from .steps import Courses
from .timeline import Schedule, Timeline, seeded

__all__ = ["CHAIN_NAME", "DEMO_PASSWORD", "ROLE_USERS", "load_demo"]

# Apps that add their own demo records (a module chainserve.<app>.demo with load()), in this order.
DEMO_APPS = ["chains", "resources", "matching", "registry", "demands", "reports"]
SEED = 2026
NEWS_DAYS = 14  # what happened in the last two weeks is news: its notifications are unread


def load_demo(stdout=None):
    """Load the demo cluster once; later calls change nothing. Returns True if it was loaded now."""
    if Chain.objects.filter(name=CHAIN_NAME).exists():
        return False
    now = timezone.now()
    with transaction.atomic():
        history(now)
        _analyze()  # the apps' demo records compute figures (bulletins, matches) over what history wrote
        for app in DEMO_APPS:
            import_module(f"chainserve.{app}.demo").load()
        # The province around the city, on regions of its own: nothing of the city's records or figures changes.
        province.load(seeded(SEED, "province"), timezone.localdate(now))
        # The apps' own demo records are past too (an application paid a month ago): not news either.
        Notification.objects.filter(read_at__isnull=True, created__lt=now - datetime.timedelta(days=NEWS_DAYS)
                                    ).update(read_at=F("created"))
        _analyze()
    return True


def history(now):
    """The cluster and its two years up to now."""
    timeline = Timeline.at(now)
    cluster = ClusterBuilder(seeded(SEED, "cluster"), timeline.today).build()
    categories = set_up_rules(cluster)
    activities = Activities(timeline, cluster, seeded(SEED, "activities"))
    activity_plans = activities.plan()
    meetings = Meetings(timeline, cluster, seeded(SEED, "meetings"))
    meetings.set_up()
    meeting_plans = meetings.plan()
    courses = Courses(timeline, cluster, categories, seeded(SEED, "courses"))
    demand_plans = Planner(timeline, cluster, categories, seeded(SEED, "demands"), courses).plan(
        activity_plans, meeting_plans)
    party = Party(timeline, cluster, seeded(SEED, "party"))
    party.build()

    schedule = Schedule(until=now)
    for plan in activity_plans:
        schedule.add(activities.story(plan, schedule))
    for when, deal in activities.standalone():
        schedule.add(activities.deal_story(when, deal))
    schedule.add(activities.partner_story())
    previous = None
    for plan in meeting_plans:
        schedule.add(meetings.story(plan, previous, schedule))
        previous = plan
    for plan in demand_plans:
        schedule.add(story(plan, cluster))
    for proposal in Proposals(timeline, cluster, categories, seeded(SEED, "proposals")).stories():
        schedule.add(proposal)
    schedule.add(party.visits())
    for list_story in Lists(timeline, cluster, seeded(SEED, "lists")).stories():
        schedule.add(list_story)

    before = _last(OutboxTask), _last(Notification)
    schedule.run(until=now - datetime.timedelta(days=NEWS_DAYS))
    past = _last(OutboxTask), _last(Notification)
    OutboxTask.objects.filter(pk__gt=before[0], pk__lte=past[0]).delete()
    Notification.objects.filter(pk__gt=before[1], pk__lte=past[1], read_at__isnull=True).update(read_at=F("created"))
    schedule.run(after=lambda: _deliver(past[0]))


def _last(model):
    return model.objects.aggregate(last=Max("pk"))["last"] or 0


def _deliver(since):
    """Run the notification tasks queued since the outbox row `since` now, as the worker would, and take them
    from the outbox."""
    rows = list(OutboxTask.objects.filter(pk__gt=since, task_path=notify_demand_event.module_path))
    for row in rows:
        notify_demand_event.call(*row.args)
    OutboxTask.objects.filter(pk__in=[row.pk for row in rows]).delete()


def _analyze():
    """PostgreSQL: give the planner the tables' sizes now. Tables it has never analysed look empty to it, and
    over a few hundred rows it then nests scoped subqueries in loops that take minutes (a specialist's
    people list took over 8 CPU-minutes in a test); autovacuum would come too late for the first requests,
    and never inside a test's transaction (whose own rows ANALYZE counts)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
