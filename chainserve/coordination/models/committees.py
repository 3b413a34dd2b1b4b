"""Coordination committees — 产业链党建工作协调委员会 — and their member units."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainserve.chains.choices import ChainLevel
from chainserve.chains.models import chain_scope
from chainserve.core.models import ScopedModel, TimeStampedModel
from chainserve.core.search import Searchable

from .base import Membership, _membership_constraints


class Committee(Searchable, ScopedModel, TimeStampedModel):
    """A chain's coordination committee at one level — 产业链党建工作协调委员会."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT,
                              related_name="committees")
    level = models.CharField(_("level"), max_length=10, choices=ChainLevel.choices, default=ChainLevel.CITY)
    name = models.CharField(_("name"), max_length=120)
    convener = models.ForeignKey("registry.Person", verbose_name=_("convener"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="convened_committees",
                                 help_text=_("Who convenes the committee and chairs its joint meetings."))
    established_on = models.DateField(_("established on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    search_fields = ("name",)
    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("coordination committee")
        verbose_name_plural = _("coordination committees")
        ordering = ["chain", "level", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "level"], name="committee_one_per_chain_level",
                violation_error_message=_("This chain already has a committee at this level."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("coordination:committee", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action, "chain__")


class CommitteeMember(Membership):
    """A unit on a committee — 成员单位 — with its role and dates; an ended membership stays as history."""

    parent_field = "committee"
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="members")
    organization = models.ForeignKey("registry.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="committee_memberships")
    person = models.ForeignKey("registry.Person", verbose_name=_("representative"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "role", "started_on", "pk"]
        constraints = _membership_constraints("committee", "committee_member")
