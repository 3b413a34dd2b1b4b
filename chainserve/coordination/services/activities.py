"""Joint activities: sign-up, check-in, outcome, cancelling."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.registry.choices import OrgKind

from ..choices import ActivityStatus
from ..models import Activity, Attendee, Registration
from .base import CoordinationError, _cancel, _may_change, _notify_cancelled, _with_author


def sign_up(activity, user, organization, attendees, note=""):
    """An enterprise signs up for an activity with several attendees ((name, title, phone) each)."""
    attendees = [(n.strip(), t.strip(), p.strip()) for n, t, p in attendees if n and n.strip()]
    if user.role == Role.ENTERPRISE:
        if organization.pk != user.organization_id:
            raise PermissionDenied(_("An enterprise signs up only for itself."))
        if not Activity.objects.restrict(user).filter(pk=activity.pk).exists():
            raise PermissionDenied(_("This activity is not open to you."))
    else:
        _may_change(user, Activity, activity.pk)
    if organization.kind != OrgKind.ENTERPRISE:
        raise ValidationError({"organization": _("Only enterprises sign up.")})
    if not attendees:
        raise ValidationError({"attendees": _("Name at least one attendee.")})
    with transaction.atomic():
        a = Activity.objects.select_for_update().get(pk=activity.pk)
        if a.status != ActivityStatus.PLANNED or a.starts_at < timezone.now():
            raise CoordinationError(_("Sign-up is closed for this activity."))
        if Registration.objects.filter(activity=a, organization=organization).exists():
            raise ValidationError({"organization": _("This enterprise has already signed up.")})
        if a.capacity is not None:
            taken = Attendee.objects.filter(registration__activity=a).count()
            if taken + len(attendees) > a.capacity:
                raise ValidationError({"attendees": _("Only %(n)d places are left.") % {"n": max(0, a.capacity - taken)}})
        reg = _with_author(Registration(activity=a, organization=organization, registered_by=user,
                                        note=note.strip()[:200]), user)
        reg.save()
        for name, title, phone in attendees:
            _with_author(Attendee(registration=reg, name=name[:60], title=title[:80], phone=phone[:20]), user).save()
    return reg


def cancel_registration(registration, user):
    """An enterprise withdraws its sign-up before the activity starts (the organisers may too): the places are
    free again and the history keeps who cancelled it and when."""
    if user.role == Role.ENTERPRISE:
        if registration.organization_id != user.organization_id:
            raise PermissionDenied(_("An enterprise cancels only its own registration."))
    else:
        _may_change(user, Registration, registration.pk)
    with transaction.atomic():
        a = Activity.objects.select_for_update().get(pk=registration.activity_id)
        if a.status != ActivityStatus.PLANNED or a.starts_at < timezone.now():
            raise CoordinationError(_("The activity has started or is over; the registration stays."))
        reg = Registration.objects.filter(pk=registration.pk).first()
        if reg is None:
            raise CoordinationError(_("This registration is already cancelled."))
        if reg.attendees.filter(checked_in_at__isnull=False).exists():
            raise CoordinationError(_("Attendees of this registration are checked in; it stays."))
        _with_author(reg, user).delete()
    return a


def find_registration(user, code):
    """The registration with this check-in code on an activity the user runs, or None."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return Registration.objects.restrict(user, "change").filter(code=code).select_related(
        "activity", "organization").first()


def check_in(registration, user, attendee_ids=None):
    """Check in the given attendees of a registration (all by default); returns how many were checked in now."""
    if user.role == Role.ENTERPRISE:
        raise PermissionDenied(_("Attendees are checked in by the organisers."))
    _may_change(user, Registration, registration.pk)
    with transaction.atomic():
        rows = Attendee.objects.select_for_update().filter(registration=registration, checked_in_at__isnull=True)
        if attendee_ids is not None:
            rows = rows.filter(pk__in=attendee_ids)
        now, count = timezone.now(), 0
        for att in rows:
            att.checked_in_at, att.checked_in_by = now, user
            _with_author(att, user).save()
            count += 1
    return count


def record_outcome(activity, user, outcome, leads_found=0, demands_raised=0):
    _may_change(user, Activity, activity.pk)
    with transaction.atomic():
        a = Activity.objects.select_for_update().get(pk=activity.pk)
        if a.status == ActivityStatus.CANCELLED:
            raise CoordinationError(_("The activity was cancelled."))
        a.outcome, a.leads_found, a.demands_raised = outcome.strip(), leads_found, demands_raised
        a.status = ActivityStatus.HELD
        _with_author(a, user).save()
    return a


def cancel_activity(activity, user, reason):
    """Cancel a planned activity with the reason; everyone of the enterprises signed up is told."""
    with transaction.atomic():
        a = _cancel(Activity, activity, user, reason, ActivityStatus.PLANNED,
                    _("Only a planned activity can be cancelled."))
        orgs = a.registrations.values("organization_id")
        _notify_cancelled(a, User.objects.filter(organization__in=orgs).exclude(pk=user.pk))
    return a
