"""The service specialist's panels: the enterprises it serves (instructor duties, its unit's pairings), the visits
due among them, recent visits by others, and the demands it recorded that are still open."""

import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chainserve.coordination.models import InstructorAssignment, Pairing, Visit
from chainserve.coordination.models.base import current_on
from chainserve.core.panels import Count, Panel, url
from chainserve.demands.choices import OPEN_STATUSES
from chainserve.demands.models import Demand
from chainserve.registry.models import Organization

VISIT_EVERY = datetime.timedelta(days=90)  # an enterprise served is visited at least once a quarter
RECENT = datetime.timedelta(days=30)
SHOWN = 8


def served(user, today):
    """The enterprises user serves on today: as their instructor (党建指导员), or through a current "1+1" pairing
    of its own unit; each with `instructor` (the duty's kind) and `paired_with` (the agency branch) set."""
    duties = {a.enterprise_id: a for a in InstructorAssignment.objects.restrict(user).filter(
        current_on(today), user=user)}
    pairings = {p.enterprise_id: p for p in Pairing.objects.restrict(user).filter(
        current_on(today), agency_branch_id=user.organization_id).select_related("agency_branch")}
    firms = list(Organization.objects.filter(pk__in=duties.keys() | pairings.keys()).annotate(
        last_visit=Max("visits__visited_on")).order_by("name"))
    for firm in firms:
        duty, pairing = duties.get(firm.pk), pairings.get(firm.pk)
        firm.instructor = duty.get_kind_display() if duty else ""
        firm.paired_with = pairing.agency_branch if pairing else None
        firm.visit_due = firm.last_visit + VISIT_EVERY if firm.last_visit else today
        firm.is_due = firm.visit_due <= today
    return firms


def specialist(user, now):
    today = timezone.localtime(now).date()
    firms = served(user, today)
    due = [f for f in firms if f.is_due]
    others = Visit.objects.restrict(user).filter(organization__in=[f.pk for f in firms],
                                                 visited_on__gte=today - RECENT).exclude(visitor=user)
    recorded = Demand.objects.restrict(user).filter(status__in=OPEN_STATUSES)
    return [
        Panel("served", _("The enterprises I serve"), counts=[
            Count(_("Enterprises served"), len(firms), "#served"),
            Count(_("Visits due"), len(due), "#served", "soon" if due else ""),
            Count(_("My visits"), Visit.objects.restrict(user).filter(visitor=user).count(),
                  url("coordination:visits", query={"mine": "true"})),
        ], rows=firms, data={"every": VISIT_EVERY.days}),
        Panel("visits", _("Recent visits by others"), rows=list(
            others.select_related("organization", "visitor").order_by("-visited_on", "-pk")[:SHOWN]),
            data={"days": RECENT.days}),
        Panel("recorded", _("Demands I recorded, still open"), counts=[
            Count(_("Open"), recorded.count(), url("demands:demands", query={"status": [s.value for s in OPEN_STATUSES]})),
        ], rows=list(recorded.select_related("organization", "lead_department").order_by(
            "resolve_due", "pk")[:SHOWN])),
    ]
