"""The calendar of meetings and activities and the users' iCalendar addresses."""

from django.db import transaction

from ..models import Activity, CalendarFeed, Meeting


def calendar_events(user, start, end):
    """The meetings and activities user may see that start in [start, end), in time order, each as
    (kind, record) with kind "meeting" or "activity"."""
    fields = ("pk", "title", "starts_at", "location", "status", "updated")
    meetings = Meeting.objects.restrict(user).filter(starts_at__gte=start, starts_at__lt=end).only(*fields)
    activities = Activity.objects.restrict(user).filter(starts_at__gte=start, starts_at__lt=end).only(
        *fields, "kind")
    events = [("meeting", m) for m in meetings] + [("activity", a) for a in activities]
    return sorted(events, key=lambda e: (e[1].starts_at, e[0], e[1].pk))


def calendar_feed(user, renew=False):
    """The user's iCalendar address token, made on first use; renew gives a new one (the old stops working)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if renew and not created:
            feed.token = CalendarFeed._meta.get_field("token").default()
            feed.save(update_fields=["token"])
    return feed
