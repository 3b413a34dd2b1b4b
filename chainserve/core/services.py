"""Saving records as a user: scoped, atomic, with the author kept in the change history."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

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


class RecordInUse(Exception):
    """A delete refused because other records use the record (delete_record); str() is the message."""

    def __init__(self, instance, uses):
        self.uses = uses  # [(verbose_name_plural, count)], the largest first
        parts = _(", ").join(_("%(kind)s (%(count)d)") % {"kind": kind, "count": count} for kind, count in uses)
        super().__init__(_("This %(model)s is still used by other records and cannot be deleted: %(uses)s.") % {
            "model": instance._meta.verbose_name, "uses": parts})


def record_uses(instance):
    """The records that point at instance and that deleting it would delete (CASCADE), change (SET_NULL …)
    or be stopped by (PROTECT/RESTRICT): [(verbose_name_plural, count)], the largest first. Its own
    many-to-many links and its history (no constraint) do not count. Asked before any delete, so that no
    record ever takes others with it silently (placements, people, matches …) and a protected one is a
    message, not a ProtectedError. Only the direct references are counted — one COUNT each, never the rows
    loaded: a record with any of them is not deleted, so what hangs below them does not matter."""
    from django.db.models import DO_NOTHING
    from django.db.models.deletion import get_candidate_relations_to_delete

    counts = {}
    # The relations the ORM's delete itself follows, hidden ones (related_name="+") included.
    for rel in get_candidate_relations_to_delete(instance._meta):
        model = rel.related_model
        if rel.on_delete is DO_NOTHING or model._meta.auto_created:
            continue
        n = model._base_manager.filter(**{rel.field.name: instance}).count()
        if n:
            counts[model] = counts.get(model, 0) + n
    return sorted(((str(m._meta.verbose_name_plural), n) for m, n in counts.items()), key=lambda u: (-u[1], u[0]))


def deletable(model, user):
    """The rows of model that user may delete: their change scope, narrowed by model.delete_scope(user)
    where the model has one (an admin's is all)."""
    allowed = model.objects.restrict(user, "change")
    if getattr(model, "delete_scope", None) is not None and not user.is_admin_role:
        q = model.delete_scope(user)
        allowed = allowed if q is None else allowed.filter(q)
    return allowed


def delete_record(user, instance):
    """Delete one record as user: refused (PermissionDenied) outside what they may delete — their change
    scope, narrowed by the model's delete_scope(user) where it has one — and refused (RecordInUse) while
    other records use it; nothing is deleted then."""
    with transaction.atomic():
        if not deletable(type(instance), user).filter(pk=instance.pk).exists():
            raise PermissionDenied
        if uses := record_uses(instance):
            raise RecordInUse(instance, uses)
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
