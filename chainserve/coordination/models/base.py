"""What the coordination models share: dated memberships, the enterprise scope, date helpers."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chainserve.chains.models import chain_scope
from chainserve.core.choices import STAFF_ROLES, Role
from chainserve.core.models import NOTHING, ScopedModel, TimeStampedModel, in_region
from chainserve.registry.choices import OrgKind

from ..choices import MemberRole


def _departments():
    return {"kind": OrgKind.DEPARTMENT}


def _enterprise_scope(user, action, field="enterprise_id"):
    """Staff see the records of every enterprise of their region and editors change them; an enterprise user sees
    its own."""
    if user.role == Role.ENTERPRISE:
        return Q(**{field: user.organization_id}) if action == "view" and user.organization_id else NOTHING
    if user.role not in STAFF_ROLES:
        return NOTHING
    q = None if action == "view" or user.role in (Role.OFFICE, Role.SPECIALIST) else NOTHING
    return in_region(q, user, f"{field.removesuffix('_id')}__district")


def _dates_ordered(name):
    return models.CheckConstraint(
        condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name=name,
        violation_error_message=_("The end date cannot be before the start date."),
    )


def current_on(on, prefix=""):
    """Q of dated rows (started_on … ended_on) that are current on the date on."""
    return Q(**{f"{prefix}started_on__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": on}))


class Membership(ScopedModel, TimeStampedModel):
    """A unit's dated membership with a role of what `parent_field` names (a committee, an alliance); an ended
    membership stays as history."""

    parent_field = ""
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    started_on = models.DateField(_("from date"))
    ended_on = models.DateField(_("to date"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return gettext("%(unit)s (%(role)s)") % {"unit": self.organization, "role": self.get_role_display()}

    @property
    def is_current(self):
        return self.ended_on is None

    def get_absolute_url(self):
        return getattr(self, self.parent_field).get_absolute_url()

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action, f"{cls.parent_field}__chain__")


def _membership_constraints(parent_field, prefix):
    """A membership's dates are in order, and a unit's membership from one date is recorded once."""
    return [
        _dates_ordered(f"{prefix}_dates_ordered"),
        models.UniqueConstraint(
            fields=[parent_field, "organization", "started_on"], name=f"{prefix}_unique",
            violation_error_message=_("This membership is already recorded."),
        ),
    ]
