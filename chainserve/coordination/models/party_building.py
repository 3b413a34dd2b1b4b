"""Party building — 党建: alliances, "1+1" pairings, instructors and the two coverages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainserve.chains.models import chain_scope
from chainserve.core.models import ScopedModel, TimeStampedModel
from chainserve.core.search import Searchable
from chainserve.registry.choices import OrgKind

from ..choices import CoverageKind, InstructorKind
from .base import Membership, _dates_ordered, _enterprise_scope, _membership_constraints

# ---------------------------------------------------------------- alliances

class Alliance(Searchable, ScopedModel, TimeStampedModel):
    """A chain's party-building alliance — 产业链党建联盟 — of convening units and member units."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT,
                              related_name="alliances")
    name = models.CharField(_("name"), max_length=120)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    search_fields = ("name",)
    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        ordering = ["chain", "name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("coordination:alliance", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action, "chain__")


class AllianceMember(Membership):
    """A unit of an alliance — 牵头单位 or 成员单位 — with its dates; an ended membership stays as history."""

    parent_field = "alliance"
    alliance = models.ForeignKey(Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE,
                                 related_name="members")
    organization = models.ForeignKey("registry.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="alliance_memberships")

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")
        ordering = ["alliance", "role", "started_on", "pk"]
        constraints = _membership_constraints("alliance", "alliance_member")


# ---------------------------------------------------------------- pairings, instructors, coverage

def _branch_kinds():
    return {"kind__in": [OrgKind.PARTY_ORG, OrgKind.DEPARTMENT]}


class Pairing(ScopedModel, TimeStampedModel):
    """A "1+1" pairing — 结对共建 — of an agency party branch with an enterprise's party branch."""

    agency_branch = models.ForeignKey("registry.Organization", verbose_name=_("agency party branch"),
                                      on_delete=models.PROTECT, related_name="pairings_as_agency",
                                      limit_choices_to=_branch_kinds)
    enterprise = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="pairings", limit_choices_to={"kind": OrgKind.ENTERPRISE})
    enterprise_branch = models.CharField(_("enterprise party branch"), max_length=120,
                                         help_text=_("The name of the enterprise's party branch."))
    started_on = models.DateField(_("from date"))
    ended_on = models.DateField(_("to date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-started_on", "-pk"]
        constraints = [_dates_ordered("pairing_dates_ordered")]

    def __str__(self):
        return f"{self.agency_branch} + {self.enterprise_branch}"

    def get_absolute_url(self):
        return reverse("coordination:pairing", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        return _enterprise_scope(user, action)


class InstructorAssignment(ScopedModel, TimeStampedModel):
    """A party-building instructor — 党建指导员 (full-time or part-time) — assigned to a key enterprise."""

    enterprise = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="instructors", limit_choices_to={"kind": OrgKind.ENTERPRISE})
    person = models.ForeignKey("registry.Person", verbose_name=_("instructor"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="instructor_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("instructor (user)"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="instructor_assignments")
    kind = models.CharField(_("kind"), max_length=4, choices=InstructorKind.choices, default=InstructorKind.PART_TIME)
    started_on = models.DateField(_("from date"))
    ended_on = models.DateField(_("to date"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("instructor assignment")
        verbose_name_plural = _("instructor assignments")
        ordering = ["-started_on", "-pk"]
        constraints = [
            _dates_ordered("instructor_dates_ordered"),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(user__isnull=False), name="instructor_is_someone",
                violation_error_message=_("Name the instructor: a person or a user."),
            ),
        ]

    def __str__(self):
        return f"{self.person or self.user} → {self.enterprise}"

    def get_absolute_url(self):
        return reverse("coordination:instructor", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        return _enterprise_scope(user, action)


class Coverage(ScopedModel, TimeStampedModel):
    """One of an enterprise's coverages — 两个覆盖 (party organisation, party work) plus trade union and youth
    league — with the date it was set up; its change history is kept."""

    enterprise = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="coverages", limit_choices_to={"kind": OrgKind.ENTERPRISE})
    kind = models.CharField(_("kind"), max_length=12, choices=CoverageKind.choices)
    started_on = models.DateField(_("set up on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverages")
        ordering = ["enterprise", "kind", "pk"]
        constraints = [
            _dates_ordered("coverage_dates_ordered"),
            models.UniqueConstraint(fields=["enterprise", "kind"], name="coverage_once_per_kind",
                                    violation_error_message=_("This coverage of the enterprise is already recorded.")),
        ]
        indexes = [models.Index(fields=["kind", "started_on"], name="coverage_kind_started_idx")]

    def __str__(self):
        return f"{self.enterprise} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("coordination:coverage", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        return _enterprise_scope(user, action)
