"""The enterprise's panels on its portal home (its workbench): what each open demand needs from it, new matches,
coming activities."""

from django.db.models import Count as Counted
from django.db.models import Q
from django.utils.translation import gettext as _

from chainserve.coordination.choices import ActivityStatus
from chainserve.coordination.models import Activity, Registration
from chainserve.core.panels import Count, Panel, url
from chainserve.demands.choices import CLOSED_STATUSES, OPEN_STATUSES, Status
from chainserve.demands.models import Demand
from chainserve.matching.choices import MatchState
from chainserve.matching.models import Match, published_item

SHOWN = 5
TO_RATE = Q(status__in=CLOSED_STATUSES, rating="")


def enterprise(user, now):
    demands = Demand.objects.restrict(user)
    c = demands.aggregate(open=Counted("id", filter=Q(status__in=OPEN_STATUSES)),
                          answer=Counted("id", filter=Q(status=Status.WAITING)), rate=Counted("id", filter=TO_RATE))
    needed = demands.filter(Q(status=Status.WAITING) | TO_RATE).select_related("category").order_by("-created")
    matches = Match.objects.restrict(user).filter(published_item(), state=MatchState.NEW, qualifies=True).count()
    coming = Activity.objects.restrict(user).filter(status=ActivityStatus.PLANNED, starts_at__gte=now)
    registered = set(Registration.objects.restrict(user).filter(activity__in=coming).values_list("activity_id", flat=True))
    coming_count, coming = coming.count(), list(coming.order_by("starts_at", "pk")[:SHOWN])
    for activity in coming:
        activity.registered = activity.pk in registered
    return [
        Panel("needed", _("What we need from you"), counts=[
            Count(_("Open demands"), c["open"], url("portal:home", query={"status": "open"})),
            Count(_("Your answer is needed"), c["answer"], url("portal:home", query={"status": "waiting"}), "soon"),
            Count(_("Results to rate"), c["rate"], url("portal:home", query={"status": "to_rate"})),
        ], rows=list(needed[:SHOWN])),
        Panel("coming", _("Matched for you and coming up"), counts=[
            Count(_("New matches"), matches, url("matching:mine")),
            Count(_("Coming activities"), coming_count, url("coordination:mine")),
        ], rows=coming),
    ]
