"""Visits: who else visited lately, demands raised during a visit."""

import datetime
import mimetypes

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chainserve.core.uploads import SHOWN_NAME_CHARS, STORED_NAME_CHARS, check_files, short_name
from chainserve.demands import services as demand_services

from ..models import Visit, VisitFile
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


def add_visit_files(visit, user, files):
    """Keep photos and documents of a visit, with the demands' attachment rules: how many and how large in all
    (from the sizes, before any file is read), then each file's size and its type by name and by content."""
    _may_change(user, Visit, visit.pk)
    try:
        check_files(files)
    except ValidationError as e:
        raise ValidationError({"files": e.messages}) from None
    for f in files:
        demand_services.check_attachment(f)
    kept = []
    with transaction.atomic():
        for f in files:
            row = VisitFile(visit=visit, name=short_name(f.name, SHOWN_NAME_CHARS), size=f.size, uploaded_by=user,
                            content_type=mimetypes.guess_type(f.name)[0] or "application/octet-stream")
            row.file.save(short_name(f.name, STORED_NAME_CHARS), f, save=False)
            row.save()
            kept.append(row)
    return kept
