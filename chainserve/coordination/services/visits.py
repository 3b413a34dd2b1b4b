"""Visits: who else visited lately, demands raised during a visit."""

import datetime

from django.db import transaction
from django.utils import timezone

from chainserve.demands import services as demand_services

from ..models import Visit
from .base import _may_change

VISIT_WARNING_DAYS = 14


def recent_visits_by_others(organization, user, on_date=None, exclude=None):
    """Visits to organization by someone other than user within VISIT_WARNING_DAYS before on_date
    (firms complain of being visited by several offices)."""
    on_date = on_date or timezone.localdate()
    since = on_date - datetime.timedelta(days=VISIT_WARNING_DAYS)
    qs = Visit.objects.filter(organization=organization, visited_on__gte=since, visited_on__lte=on_date)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exclude(visitor=user).select_related("visitor")


def demand_from_visit(visit, user, category, title, description):
    """Record a demand raised during a visit (channel: visit) and link it to the visit."""
    _may_change(user, Visit, visit.pk)
    with transaction.atomic():
        demand = demand_services.submit(user, demand_services.Intake(
            organization=visit.organization, category=category, title=title, description=description,
            channel="visit"))
        visit.demands.add(demand)
    return demand
