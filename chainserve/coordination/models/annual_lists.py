"""The annual project lists — 服务项目清单 / 实事项目清单: items, milestones and progress updates."""

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainserve.chains.models import chain_scope
from chainserve.core.choices import Role
from chainserve.core.models import NOTHING, RestrictedQuerySet, ScopedModel, TimeStampedModel, can_change_any
from chainserve.core.search import Searchable

from ..choices import ItemStatus, ListKind
from .base import _departments


class AnnualList(Searchable, ScopedModel, TimeStampedModel):
    """A chain's list of the year — 服务项目清单 / 实事项目清单 — whose progress anyone may read."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT,
                              related_name="annual_lists")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=ListKind.choices)
    title = models.CharField(_("title"), max_length=200)
    public = models.BooleanField(_("public progress page"), default=True,
                                 help_text=_("Anyone may read the items' progress without logging in."))

    search_fields = ("title",)
    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("annual list")
        verbose_name_plural = _("annual lists")
        ordering = ["-year", "chain", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "year", "kind"], name="annual_list_once_per_year",
                                    violation_error_message=_("This chain already has this list for the year.")),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="annual_list_year_range",
                                   violation_error_message=_("Give a year between 2000 and 2100.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("coordination:annual-list", args=[self.pk])

    def get_public_url(self):
        return reverse("coordination:public-list", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action, "chain__")


class ListItemQuerySet(RestrictedQuerySet):
    def with_lateness(self, today=None):
        """Each item with `behind` — 滞后 — and the first milestone it is late at (`late_title`, `late_due`,
        `late_target`): a milestone whose date has passed (before today) while it is not marked done and, where it
        names a target progress, the item is below it. An item marked behind schedule is behind too; a done item
        never is. The one place this rule lives: the list and item pages, the filter and the count read it."""
        if "behind" in self.query.annotations:
            return self
        today = today or timezone.localdate()
        late = Milestone.objects.filter(
            Q(target_progress__isnull=True) | Q(target_progress__gt=OuterRef("progress")),
            item=OuterRef("pk"), due_on__lt=today, done_on__isnull=True).order_by("due_on", "pk")
        return self.annotate(
            late_title=Subquery(late.values("title")[:1]), late_due=Subquery(late.values("due_on")[:1]),
            late_target=Subquery(late.values("target_progress")[:1]),
            behind=Case(When(status=ItemStatus.DONE, then=Value(False)),
                        When(Q(status=ItemStatus.DELAYED) | Exists(late), then=Value(True)),
                        default=Value(False), output_field=BooleanField()))


class ListItem(Searchable, ScopedModel, TimeStampedModel):
    """An item of an annual list — 项目: owner department, weight, progress; a parent item's progress is the
    weighted progress of its children (kept by the services, never typed)."""

    annual_list = models.ForeignKey(AnnualList, verbose_name=_("list"), on_delete=models.CASCADE,
                                    related_name="items")
    parent = models.ForeignKey("self", verbose_name=_("parent item"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    code = models.CharField(_("number"), max_length=20, help_text=_("Its number in the list, e.g. 2.1."))
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey("registry.Organization", verbose_name=_("owner department"),
                              on_delete=models.PROTECT, related_name="list_items", limit_choices_to=_departments)
    target = models.TextField(_("target"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1,
                                              help_text=_("Its share in the parent item's progress."))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED)
    contact = models.ForeignKey("registry.Person", verbose_name=_("contact"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                help_text=_("Shown to staff only, never on the public page."))

    objects = ListItemQuerySet.as_manager()
    search_fields = ("title",)
    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        ordering = ["annual_list", "code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["annual_list", "code"], name="list_item_code_unique",
                                    violation_error_message=_("This number is already used in the list.")),
            models.CheckConstraint(condition=Q(progress__lte=100), name="list_item_progress_range",
                                   violation_error_message=_("Progress is between 0 and 100 %.")),
            models.CheckConstraint(condition=Q(weight__gte=1), name="list_item_weight_positive",
                                   violation_error_message=_("The weight is at least 1.")),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("coordination:list-item", args=[self.pk])

    def lateness_text(self):
        """Why the item is behind: the first milestone it is late at (annotated by with_lateness), or ""."""
        if self.status == ItemStatus.DONE or getattr(self, "late_due", None) is None:
            return ""
        values = {"title": self.late_title, "due": self.late_due.isoformat(), "progress": self.progress,
                  "target": self.late_target}
        if self.late_target is None:
            return _("Milestone “%(title)s” of %(due)s has passed undone.") % values
        return _("Milestone “%(title)s” of %(due)s has passed at %(progress)s%% of its target %(target)s%%.") % values

    @classmethod
    def may_create(cls, user):
        """An item is added to a list the user may change (core.can_create): a handler reports progress on the
        items its department owns (the change scope) but adds none, as on the page."""
        return can_change_any(AnnualList, user)

    @classmethod
    def scope(cls, user, action):
        if user.role == Role.HANDLER and action == "change":
            return Q(owner_id=user.organization_id) if user.organization_id else NOTHING
        return chain_scope(user, action, "annual_list__chain__")


class Milestone(models.Model):
    """A dated step of a list item — 节点."""

    item = models.ForeignKey(ListItem, verbose_name=_("list item"), on_delete=models.CASCADE,
                             related_name="milestones")
    due_on = models.DateField(_("due on"))
    title = models.CharField(_("milestone"), max_length=200)
    target_progress = models.PositiveSmallIntegerField(
        _("target progress (%)"), null=True, blank=True,
        help_text=_("The item's progress due by this date; empty: the milestone itself is due."))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["item", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(target_progress__lte=100), name="milestone_target_range",
                                   violation_error_message=_("Progress is between 0 and 100 %.")),
        ]

    def __str__(self):
        return f"{self.due_on} {self.title}"


def evidence_path(instance, filename):
    return f"coordination/items/{instance.item_id}/{filename}"


class ItemUpdate(models.Model):
    """A step on a list item's timeline — 进展: what was done, the progress reached, and its evidence."""

    item = models.ForeignKey(ListItem, verbose_name=_("list item"), on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("what was done"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices, blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return self.text[:60]
