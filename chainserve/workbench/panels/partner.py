"""The partner institution's panels (a bank): demands routed to it, registrations for the activities it organises,
enterprises qualifying for its products (from matching), and its agreements."""

from django.db.models import Count as Counted
from django.db.models import F, Q
from django.utils.translation import gettext as _

from chainserve.coordination.models import Activity, Agreement, Registration
from chainserve.core.panels import Count, Panel, url
from chainserve.demands.choices import OPEN_STATUSES
from chainserve.demands.models import Demand
from chainserve.resources.models import FinancialProduct

SHOWN = 8


def routed_demands(user):
    """The open demands routed to the partner: whatever the demands' scoping lets it see (financing demands it
    co-handles, once it may), so that this panel follows the scope without a change here."""
    return Demand.objects.restrict(user).filter(status__in=OPEN_STATUSES)


def organised_activities(user):
    """The activities the partner's institution organises that it may see, newest first, each with `registered`:
    the registrations it may see (its own activities' sign-ups, as the registrations' scoping allows)."""
    activities = list(Activity.objects.restrict(user).filter(organizer_id=user.organization_id).order_by(
        "-starts_at", "-pk")[:SHOWN])
    counts = dict(Registration.objects.restrict(user).filter(activity__in=activities).values(
        "activity").annotate(n=Counted("id")).values_list("activity", "n"))
    for activity in activities:
        activity.registered = counts.get(activity.pk, 0)
    return activities


def registrations(user):
    """How many registrations for the partner's own activities it may see."""
    return Registration.objects.restrict(user).filter(activity__organizer_id=user.organization_id).count()


def qualifying(user):
    """The institution's financial products with `qualifying` (how many enterprises the matching finds eligible)
    and `rule_id`, the rule whose qualifying list names them."""
    return list(FinancialProduct.objects.filter(institution_id=user.organization_id).annotate(
        qualifying=Counted("eligibility_rule__matches", filter=Q(eligibility_rule__matches__qualifies=True)),
        rule_id=F("eligibility_rule__pk"),
    ).order_by("-qualifying", "title"))


def _qualifying_list(products):
    """Where the qualifying count leads: the one product's list of enterprises, or the products in the panel."""
    ruled = [p for p in products if p.rule_id]
    return url("matching:qualifying", ruled[0].rule_id) if len(ruled) == 1 else "#products"


def partner(user, now):
    demands = routed_demands(user)
    activities = organised_activities(user)
    products = qualifying(user)
    agreements = Agreement.objects.restrict(user)
    return [
        Panel("routed", _("Demands routed to us"), counts=[Count(_("Open demands"), demands.count(), url("demands:inbox"))],
              data={"note": _("Financing demands the chain office routes to your institution appear here.")}, rows=list(demands.select_related("organization", "lead_department").order_by("resolve_due", "pk")[:SHOWN])),
        Panel("activities", _("Registrations for our activities"), counts=[
            Count(_("Registrations"), registrations(user), url("coordination:mine"))], rows=activities),
        Panel("products", _("Enterprises qualifying for our products"), counts=[
            Count(_("Qualifying enterprises"), sum(p.qualifying for p in products), _qualifying_list(products))],
            rows=products),
        Panel("agreements", _("Our agreements"), counts=[
            Count(_("Agreements"), agreements.count(), url("coordination:agreements"))],
            rows=list(agreements.select_related("enterprise").order_by("-status", "-signed_on", "-pk")[:SHOWN])),
    ]
