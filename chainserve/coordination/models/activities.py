"""Joint activities — 联建活动 — with registrations, attendees and check-in codes."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainserve.chains.models import chain_scope
from chainserve.core.choices import Role
from chainserve.core.models import NOTHING, ScopedModel, TimeStampedModel
from chainserve.core.search import Searchable

from ..choices import ActivityKind, ActivityStatus


class Activity(Searchable, ScopedModel, TimeStampedModel):
    """A joint activity — 联建活动: matchmaking, theme party day, forum, training, signing ceremony …"""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT,
                              related_name="activities")
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    organizer = models.ForeignKey("registry.Organization", verbose_name=_("organiser"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="organized_activities")
    description = models.TextField(_("description"), blank=True)
    open_to_enterprises = models.BooleanField(_("open to enterprise sign-up"), default=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True,
                                           help_text=_("Attendees at most; empty for no limit."))
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus.choices,
                              default=ActivityStatus.PLANNED)
    outcome = models.TextField(_("outcome"), blank=True)
    leads_found = models.PositiveIntegerField(_("leads found"), default=0)
    demands_raised = models.PositiveIntegerField(_("demands raised"), default=0)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    search_fields = ("title",)
    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["chain", "starts_at"], name="activity_chain_starts_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="activity_capacity_positive",
                violation_error_message=_("An activity has at least one place."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("coordination:activity", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        if user.role == Role.ENTERPRISE:
            return Q(open_to_enterprises=True) if action == "view" else NOTHING
        if user.role == Role.PARTNER:
            return Q(open_to_enterprises=True) | _organised_by(user, "") if action == "view" else NOTHING
        return chain_scope(user, action, "chain__")

    def shows_registrations_to(self, user):
        """Whether user sees who signed up and how many: staff, and a partner on the activity it organises."""
        return user.is_staff_role or (user.role == Role.PARTNER and user.organization_id is not None
                                      and self.organizer_id == user.organization_id)


def _organised_by(user, prefix):
    """Q of the activities (through prefix) that the user's organisation organises."""
    return Q(**{f"{prefix}organizer_id": user.organization_id}) if user.organization_id else NOTHING


def new_code():
    return secrets.token_hex(5).upper()


class Registration(ScopedModel):
    """An enterprise's sign-up for an activity — 报名, several attendees in one, checked in by its code."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="registrations")
    organization = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                     related_name="registrations")
    code = models.CharField(_("check-in code"), max_length=12, unique=True, default=new_code, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                      related_name="+")
    created = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["activity", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "organization"], name="registration_once_per_enterprise",
                                    violation_error_message=_("This enterprise has already signed up.")),
        ]

    def __str__(self):
        return f"{self.organization} @ {self.activity}"

    def get_absolute_url(self):
        return reverse("coordination:registration", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        if user.role == Role.ENTERPRISE:
            return Q(organization_id=user.organization_id) if user.organization_id else NOTHING
        if user.role == Role.PARTNER:
            return _organised_by(user, "activity__") if action == "view" else NOTHING
        return chain_scope(user, action, "activity__chain__")


class Attendee(models.Model):
    """One person of a registration — 参会人员, with the time they were checked in."""

    registration = models.ForeignKey(Registration, verbose_name=_("registration"), on_delete=models.CASCADE,
                                     related_name="attendees")
    name = models.CharField(_("full name"), max_length=60)
    title = models.CharField(_("job title"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["registration", "pk"]

    def __str__(self):
        return self.name
