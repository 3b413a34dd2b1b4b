"""Saving records as a user: scoped, atomic, with the author kept in the change history."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.module_loading import import_string

from . import reference


def required_text(text, field, message):
    """text stripped, or a ValidationError on field with message when it is blank."""
    if not (text or "").strip():
        raise ValidationError({field: message})
    return text.strip()


def save_record(user, instance, save_related=None):
    """Create or update one record as user; refused (and rolled back) if the result is out of their scope."""
    with transaction.atomic():
        instance._history_user = user
        instance.save()
        if save_related is not None:
            save_related()
        if not type(instance).objects.restrict(user, "change").filter(pk=instance.pk).exists():
            raise PermissionDenied
        if (organization := getattr(instance, "profile_of", None)) is not None:
            profile_changed(organization)
    return instance


def profile_changed(organization):
    """An organisation's profile changed (a record with a `profile_of` attribute — the organisation itself,
    a product, a chain placement — was saved): each function named in PROFILE_CHANGED_HOOKS gets it (the
    matching app recomputes the organisation's matches after commit). A setting, not a signal: the
    services that change a profile call this, and the apps that follow profiles are named in one place."""
    for path in settings.PROFILE_CHANGED_HOOKS:
        import_string(path)(organization)


def delete_record(user, instance):
    with transaction.atomic():
        if not type(instance).objects.restrict(user, "change").filter(pk=instance.pk).exists():
            raise PermissionDenied
        instance._history_user = user
        instance.delete()


def notify(users, key: str, title: str, body: str = "", url: str = ""):
    """Put a message in each user's inbox once per event key, and e-mail it after the transaction commits."""
    from .models import Notification
    from .tasks import email_notification

    users = [u for u in users if u is not None and u.is_active]
    if not users:
        return []
    Notification.objects.bulk_create(
        [Notification(user=u, key=key[:120], title=title[:200], body=body, url=url) for u in users],
        ignore_conflicts=True,
    )
    created = list(Notification.objects.filter(user__in=users, key=key[:120], emailed_at__isnull=True,
                                               user__email__gt="").values_list("pk", flat=True))
    for pk in created:
        transaction.on_commit(lambda pk=pk: email_notification.enqueue(pk))
    return created


def seed_calendar(years):
    """Load chinese-calendar's holidays and 调休 days for years it covers; returns the years loaded."""
    from .models import CalendarDay, CalendarYear
    from .workdays import library_days

    loaded = []
    for year in years:
        try:
            rows = library_days(year)
        except NotImplementedError:
            continue
        with transaction.atomic():
            for day, workday, name in rows:
                CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": workday, "name": name})
            CalendarYear.objects.get_or_create(year=year)
        loaded.append(year)
    reference.forget()
    return loaded


def missing_calendar_years(today=None):
    """This year and next, where the calendar has no holidays entered (deadlines then use Monday–Friday)."""
    from django.utils import timezone

    from .models import CalendarYear

    year = (today or timezone.localdate()).year
    have = set(CalendarYear.objects.filter(year__in=[year, year + 1]).values_list("year", flat=True))
    return [y for y in (year, year + 1) if y not in have]


def client_ip(request):
    """The address the request came from (REMOTE_ADDR, as the proxy in front sets it), or None."""
    import ipaddress

    address = (request.META.get("REMOTE_ADDR") or "").strip() if request is not None else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def audit(request, action, detail="", user=None, username=""):
    """Write one audit entry (login, failed login, export) for request's user unless user is given."""
    from .models import AuditEntry

    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AuditEntry.objects.create(
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        action=action,
        ip=client_ip(request),
        detail=detail[:500],
    )


def expired_idempotency_keys(now=None):
    """The API Idempotency-Keys older than settings.IDEMPOTENCY_KEY_HOURS: forgotten, so the same key makes a
    new record (a client retries within minutes; a day-old key reused is a new request)."""
    import datetime

    from django.utils import timezone

    from .models import IdempotencyKey

    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    return IdempotencyKey.objects.filter(created__lt=cutoff)


def purge_idempotency_keys(now=None):
    """Delete the expired Idempotency-Keys (the sweep runs it); returns how many."""
    return expired_idempotency_keys(now).delete()[0]
