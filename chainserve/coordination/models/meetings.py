"""Joint meetings — 联席会议: agenda, attendance, decisions and action items."""

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

from ..choices import ActionStatus, MeetingStatus
from .base import _departments
from .committees import Committee


class Meeting(Searchable, ScopedModel, TimeStampedModel):
    """A joint meeting of a committee — 联席会议: agenda, attendance, minutes and decisions."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="meetings")
    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT,
                              related_name="meetings", editable=False)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    minutes = models.TextField(_("minutes"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    search_fields = ("title",)
    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["chain", "starts_at"], name="meeting_chain_starts_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("coordination:meeting", args=[self.pk])

    def save(self, *args, **kwargs):
        self.chain_id = self.committee.chain_id
        super().save(*args, **kwargs)

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action, "chain__")


class AgendaItem(ScopedModel):
    """A point on a meeting's agenda — 议题: an escalated demand or a topic added by hand."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="agenda")
    demand = models.ForeignKey("demands.Demand", verbose_name=_("demand"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="agenda_items")
    topic = models.CharField(_("topic"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    resolved = models.BooleanField(_("demand resolved at the meeting"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "demand"], condition=Q(demand__isnull=False), name="agenda_demand_once",
                violation_error_message=_("This demand is already on the agenda."),
            ),
        ]

    def __str__(self):
        return self.topic

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action, "meeting__chain__")


class Attendance(ScopedModel):
    """Who attended a meeting — 参会: a unit and its representative, present or excused."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="attendance")
    organization = models.ForeignKey("registry.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("attendee"), max_length=60, blank=True)
    present = models.BooleanField(_("present"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organization", "name"], name="attendance_unique",
                                    violation_error_message=_("This attendee is already recorded.")),
        ]

    def __str__(self):
        return f"{self.organization} {self.name}".strip()

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action, "meeting__chain__")


class Decision(Searchable, ScopedModel):
    """A decision taken at a meeting — 议定事项; each becomes an action item."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="decisions")
    agenda_item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="decisions")
    text = models.TextField(_("decision"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)

    search_fields = ("text",)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.text[:60]

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action, "meeting__chain__")


class ActionItem(ScopedModel, TimeStampedModel):
    """What a decision asks of a department — 督办事项: owner, due date, followed until done."""

    decision = models.OneToOneField(Decision, verbose_name=_("decision"), on_delete=models.CASCADE,
                                    related_name="action_item")
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="action_items", editable=False)
    owner = models.ForeignKey("registry.Organization", verbose_name=_("owner department"),
                              on_delete=models.PROTECT, related_name="action_items", limit_choices_to=_departments)
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN,
                              db_index=True)
    progress = models.TextField(_("progress"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["status", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.OPEN, done_at__isnull=True)
                | Q(status=ActionStatus.DONE, done_at__isnull=False),
                name="action_item_done_has_time",
                violation_error_message=_("A done action item has the time it was done, an open one has none."),
            ),
        ]

    def __str__(self):
        return str(self.decision)

    def get_absolute_url(self):
        return reverse("coordination:action-item", args=[self.pk])

    def save(self, *args, **kwargs):
        self.meeting_id = self.decision.meeting_id
        super().save(*args, **kwargs)

    @classmethod
    def scope(cls, user, action):
        if user.role == Role.HANDLER:
            return Q(owner_id=user.organization_id) if user.organization_id else NOTHING
        return chain_scope(user, action, "meeting__chain__")
