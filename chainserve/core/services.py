"""Saving records as a user: scoped, atomic, with the author kept in the change history."""

import datetime
import ipaddress
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DO_NOTHING, Q
from django.db.models.deletion import get_candidate_relations_to_delete
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import reference
from .choices import Role
from .models import AuditEntry, CalendarDay, CalendarYear, IdempotencyKey, Notification, User
from .profiles import profile_changed, profile_saving
from .tasks import email_notification, enqueue_after_commit
from .workdays import WorkCalendar, library_days, weekday_rule


def required_text(text, field, message):
    """text stripped, or a ValidationError on field with message when it is blank."""
    if not (text or "").strip():
        raise ValidationError({field: message})
    return text.strip()


def save_record(user, instance, save_related=None):
    """Create or update one record as user; refused (and rolled back) if the result is out of their scope."""
    with transaction.atomic(), profile_saving(instance):
        instance._history_user = user
        instance.save()
        if save_related is not None:
            save_related()
        if not type(instance).objects.restrict(user, "change").filter(pk=instance.pk).exists():
            raise PermissionDenied
    return instance


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
        profile_changed(instance)  # before: a deleted placement's organisation is still at hand
        instance.delete()


def notify(users, key: str, title: str, body: str = "", url: str = ""):
    """Put a message in each user's inbox once per event key, and e-mail it after the transaction commits."""

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
        enqueue_after_commit(email_notification, pk)
    return created


def mark_read(user, pk=None):
    """Mark user's unread messages read: the one numbered pk, or all of them. Returns the message opened (None
    when it is not the user's), or the number marked. Only ever from a POST: reading the inbox changes nothing."""

    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is None:
        return unread.update(read_at=timezone.now())
    unread.filter(pk=pk).update(read_at=timezone.now())
    return Notification.objects.filter(user=user, pk=pk).first()


def seed_calendar(years):
    """Load chinese-calendar's holidays and 调休 days for years it covers; returns the years loaded."""

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
    """This year and next, where the official holiday schedule is not entered (deadlines in them are
    provisional: counted with the statutory holidays, without 调休)."""

    year = (today or timezone.localdate()).year
    have = set(CalendarYear.objects.filter(year__in=[year, year + 1]).values_list("year", flat=True))
    return [y for y in (year, year + 1) if y not in have]


def parse_official_schedule(year: int, text: str):
    """The days of the State Council's holiday notice for year, from its text as pasted: either its lines
    (「一、元旦:1月1日放假,共1天。」, 「二、春节:2月5日至11日放假调休,共7天。2月14日(周日)上班。」) or a
    two-column list (「2027-01-01 放假」, 「2027-02-14,上班」). Returns [(date, is_workday, name)] sorted by
    date; a ValidationError on "text" names the first line it cannot read or a date given twice."""


    # The notice is written with full-width punctuation; read both.
    table = str.maketrans({"：": ":", "，": ",", "；": ";", "。": ".", "（": "(", "）": ")", "\u3000": " "})
    found = {}

    def add(day, workday, name, line_no):
        if found.get(day, (workday,))[0] != workday:
            raise ValidationError({"text": _("Line %(n)d: %(day)s is given both as a holiday and as a working day.")
                                   % {"n": line_no, "day": day.isoformat()}})
        found[day] = (workday, name)

    def date(y, m, d, line_no):
        try:
            return datetime.date(int(y), int(m), int(d))
        except ValueError:
            raise ValidationError({"text": _("Line %(n)d: %(m)s月%(d)s日 is not a date.") % {
                "n": line_no, "m": int(m), "d": int(d)}}) from None

    listed = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[,;\t ]?\s*(放假|休息?|上班|班)\s*(.*)$")
    day_re = r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:\([^)]*\))?"
    span = re.compile(day_re + r"(?:\s*(?:至|-|—|~)\s*(?:(\d{1,2})月)?(\d{1,2})日(?:\([^)]*\))?)?")
    for line_no, raw in enumerate(text.splitlines(), 1):
        line = raw.translate(table).strip()
        if not line:
            continue
        if m := listed.match(line):
            y, mo, d, kind, name = m.groups()
            day = date(y, mo, d, line_no)
            if day.year != year:
                raise ValidationError({"text": _("Line %(n)d: %(day)s is not in %(year)d.") % {
                    "n": line_no, "day": day.isoformat(), "year": year}})
            add(day, kind.startswith(("上", "班")), name.strip()[:40], line_no)
            continue
        # A line of the notice: 「名称:…放假…。…上班。」, perhaps numbered (一、).
        head, sep, body = line.partition(":")
        if not sep or not span.search(body):
            raise ValidationError({"text": _("Line %(n)d cannot be read: %(line)s") % {"n": line_no, "line": raw[:80]}})
        name = re.sub(r"^[一二三四五六七八九十\d]+\s*[、,.]?\s*", "", head).strip()[:40]
        for sentence in re.split(r"[.;,]", body):
            working = "上班" in sentence
            if not working and "放假" not in sentence and "休" not in sentence:
                continue
            for m in span.finditer(sentence):
                y, mo, d, mo2, d2 = m.groups()
                first = date(y or year, mo, d, line_no)
                if not working and int(mo) == 12 and first.year == year and name.startswith("元旦") and (
                        mo2 is not None and int(mo2) == 1):
                    first = first.replace(year=year - 1)  # 元旦 from 30 or 31 December of the year before
                last = first if d2 is None else date(first.year if mo2 is None or int(mo2) >= first.month
                                                     else first.year + 1, mo2 or first.month, d2, line_no)
                if last < first or (last - first).days > 15:
                    raise ValidationError({"text": _("Line %(n)d: %(a)s to %(b)s is too long for one holiday.") % {
                        "n": line_no, "a": first.isoformat(), "b": last.isoformat()}})
                day = first
                while day <= last:
                    add(day, working, name + ("调休上班" if working else ""), line_no)
                    day += datetime.timedelta(days=1)
    if not found:
        raise ValidationError({"text": _("Paste the notice's holidays and working days, one a line.")})
    if not any(not w for w, _name in found.values()):
        raise ValidationError({"text": _("The schedule names no holiday.")})
    return sorted((day, workday, name) for day, (workday, name) in found.items())


def enter_official_schedule(year: int, days, user=None):
    """Replace year's holidays and 调休 days with the official schedule (days from parse_official_schedule),
    mark the year official, and have the apps that count with the calendar recount their deadlines
    (CALENDAR_CHANGED_HOOKS). Returns {hook path: its result}."""

    with transaction.atomic():
        before = WorkCalendar()
        CalendarDay.objects.filter(date__year=year).delete()
        # Only the days that differ from Monday–Friday are kept: a holiday on a weekend changes nothing.
        CalendarDay.objects.bulk_create([CalendarDay(date=d, is_workday=w, name=n) for d, w, n in days
                                         if w != weekday_rule(d) and d.year == year])
        for d, w, n in days:  # 元旦 that begins on 31 December of the year before
            if d.year != year and w != weekday_rule(d):
                CalendarDay.objects.update_or_create(date=d, defaults={"is_workday": w, "name": n})
        CalendarYear.objects.update_or_create(year=year, defaults={"source": "official"})
        return calendar_changed([year], before, user)


def calendar_changed(years, before, user=None):
    """The calendar of years has just changed (before: the WorkCalendar read before the change): the apps
    that keep deadlines recount them, each function named in CALENDAR_CHANGED_HOOKS called with (years, the
    calendar before, the calendar after, user). A setting, not a signal, as PROFILE_CHANGED_HOOKS.
    Returns {hook path: its result}."""

    reference.forget()  # what the hooks call counts with the new calendar too
    after = WorkCalendar()
    years = sorted(set(years))
    return {path: import_string(path)(years, before, after, user) for path in settings.CALENDAR_CHANGED_HOOKS}


def remind_missing_calendar(today=None):
    """From 1 November, tell the admins once a year that next year's holiday schedule is not entered
    (deadlines in it are provisional until it is). Returns the users newly reminded."""


    today = today or timezone.localdate()
    year = today.year + 1
    if today.month < 11 or year not in missing_calendar_years(today):
        return []
    key = f"calendar-missing:{year}"
    admins = list(User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMIN), is_active=True)
                  .exclude(notifications__key=key))
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Enter the %(year)d holiday schedule") % {"year": year}
        body = _("The %(year)d holiday schedule is not entered yet: deadlines that reach into %(year)d are counted "
                 "with the statutory holidays and marked provisional until it is.") % {"year": year}
    notify(admins, key, title, body, reverse("admin:core_calendaryear_enter"))
    return admins


def client_ip(request):
    """The address the request came from, or None: REMOTE_ADDR, unless that is a trusted proxy
    (settings.TRUSTED_PROXIES), when it is the last address in X-Forwarded-For that is not a trusted proxy.

    Axes (AXES_CLIENT_IP_CALLABLE) and the audit trail both use this. A client can write anything into
    X-Forwarded-For; only what the proxies appended on the right is believed, and without a trusted proxy
    none of it is."""


    def parse(text):
        try:
            return ipaddress.ip_address(text.strip())
        except ValueError:
            return None

    if request is None:
        return None
    address = parse(request.META.get("REMOTE_ADDR") or "")
    proxies = [ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES]

    def trusted(ip):
        return any(ip.version == net.version and ip in net for net in proxies)

    if address is not None and proxies and trusted(address):
        for hop in reversed((request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")):
            hop = parse(hop)
            if hop is None:
                break  # a hop that is no address: nothing to its left can be believed
            address = hop
            if not trusted(hop):
                break
    return str(address) if address is not None else None


def audit(request, action, detail="", user=None, username=""):
    """Write one audit entry (login, failed login, export) for request's user unless user is given."""

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


    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    return IdempotencyKey.objects.filter(created__lt=cutoff)


def purge_idempotency_keys(now=None):
    """Delete the expired Idempotency-Keys (the sweep runs it); returns how many."""
    return expired_idempotency_keys(now).delete()[0]
