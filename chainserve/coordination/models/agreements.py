"""Agreements signed with enterprises — 签约."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainserve.chains.models import chain_scope
from chainserve.core.choices import Role
from chainserve.core.models import NOTHING, RestrictedQuerySet, ScopedModel, TimeStampedModel
from chainserve.core.money import format_amount
from chainserve.core.search import Searchable
from chainserve.registry.choices import OrgKind

from ..choices import AgreementKind, AgreementStatus
from .activities import Activity


class AgreementQuerySet(RestrictedQuerySet):
    def confirmed(self):
        """The agreements that count in figures: a partner's own record counts once the office confirms it."""
        return self.filter(status=AgreementStatus.CONFIRMED)


class Agreement(Searchable, ScopedModel, TimeStampedModel):
    """An agreement signed with an enterprise — 签约: bank credit line (授信), cooperation, investment intention."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT,
                              related_name="agreements")
    kind = models.CharField(_("kind"), max_length=12, choices=AgreementKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    institution = models.ForeignKey("registry.Organization", verbose_name=_("institution"), on_delete=models.PROTECT,
                                    related_name="agreements_as_institution",
                                    help_text=_("The bank, investor, hospital or other party."))
    enterprise = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="agreements", limit_choices_to={"kind": OrgKind.ENTERPRISE})
    amount_fen = models.BigIntegerField(_("amount (fen)"), null=True, blank=True,
                                        help_text=_("Kept exactly, in fen (1 元 = 100 fen)."))
    signed_on = models.DateField(_("signed on"), db_index=True)
    activity = models.ForeignKey(Activity, verbose_name=_("signed at activity"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="agreements")
    note = models.TextField(_("note"), blank=True)
    # Recorded by the office: confirmed at once (and every agreement from before partners recorded their own).
    status = models.CharField(_("status"), max_length=10, choices=AgreementStatus.choices,
                              default=AgreementStatus.CONFIRMED, db_index=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = AgreementQuerySet.as_manager()
    search_fields = ("title",)
    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-pk"]
        indexes = [models.Index(fields=["institution", "signed_on"], name="agreement_institution_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__isnull=True) | Q(amount_fen__gte=0), name="agreement_amount_nonnegative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(institution=F("enterprise")), name="agreement_two_parties",
                violation_error_message=_("An agreement needs two different parties."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("coordination:agreement", args=[self.pk])

    @property
    def amount_display(self):
        return format_amount(self.amount_fen)

    @property
    def profile_of(self):
        """An agreement is part of its enterprise's profile (a rule may read it: core.profiles.profile_changed)."""
        return self.enterprise

    @classmethod
    def scope(cls, user, action):
        if user.role == Role.ENTERPRISE:
            return Q(enterprise_id=user.organization_id) if action == "view" and user.organization_id else NOTHING
        if user.role == Role.PARTNER:
            if not user.organization_id:
                return NOTHING
            # A partner records the agreements it signs and may correct them until the office confirms them.
            own = Q(institution_id=user.organization_id)
            return own if action == "view" else own & Q(status=AgreementStatus.PENDING)
        return chain_scope(user, action, "chain__")
