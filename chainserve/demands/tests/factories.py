"""Helpers of the demand tests: Shanghai times, deadlines, and a full picture of a demand to compare."""

import datetime
from zoneinfo import ZoneInfo

from chainserve.demands.models import Demand

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year, month, day, hour=0, minute=0, second=0):
    """An aware datetime in the platform's time zone."""
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def eod(year, month, day):
    """The deadline a day stands for: its last second in Shanghai."""
    return local(year, month, day, 23, 59, 59)


def snapshot(demand):
    """Everything stored about a demand: its row, events, assignments, attachments, notifications queued."""
    from chainserve.core.models import Notification

    d = Demand.objects.get(pk=demand.pk)
    return {
        "row": {f.attname: getattr(d, f.attname) for f in Demand._meta.concrete_fields},
        "events": list(d.events.order_by("pk").values_list("pk", "type", "from_status", "to_status", "note")),
        "assignments": list(d.assignments.order_by("pk").values_list(
            "department_id", "role", "due", "answered_at", "active")),
        "attachments": list(d.attachments.order_by("pk").values_list("pk", "name")),
        "notifications": Notification.objects.count(),
    }
