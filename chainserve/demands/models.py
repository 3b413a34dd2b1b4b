"""Demands — 诉求: what enterprises need, with deadlines in working days, dispatch, events and ratings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from chainserve.chains.models import Placement, chain_scope, staffed
from chainserve.core.choices import STAFF_ROLES, Role
from chainserve.core.models import NOTHING, ScopedModel, below_region_q, in_region, oversees, region_q
from chainserve.core.search import Searchable
from chainserve.registry.choices import OrgKind

from .choices import (
    HANDLING_STATUSES,
    RUNNING_STATUSES,
    AssignmentRole,
    Channel,
    EscalationLevel,
    EventType,
    Priority,
    ProposalGrade,
    Rating,
    Status,
)


class Category(models.Model):
    """A kind of demand — 诉求类别: policy support, financing, talent, site, regulatory communication …"""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self):
        return self.name


class SlaPolicy(models.Model):
    """Deadlines in working days for a category and priority (no category: the default) — 办理时限."""

    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="sla_policies")
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    accept_days = models.PositiveSmallIntegerField(_("accept within (working days)"), default=1)
    answer_days = models.PositiveSmallIntegerField(_("first answer within (working days)"), default=2)
    resolve_days = models.PositiveSmallIntegerField(_("resolve within (working days)"), default=10)
    cohandler_days = models.PositiveSmallIntegerField(_("co-handlers answer within (working days)"), default=5)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["category", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="sla_unique",
                                    violation_error_message=_("This category and priority already has a policy.")),
            models.CheckConstraint(
                condition=Q(accept_days__lte=models.F("answer_days")) & Q(answer_days__lte=models.F("resolve_days"))
                & Q(cohandler_days__lte=models.F("resolve_days")),
                name="sla_ordered",
                violation_error_message=_("Deadlines must grow: accept ≤ first answer ≤ resolve, co-handlers ≤ resolve."),
            ),
        ]

    def __str__(self):
        category = self.category or _("default")
        return f"{category} / {self.get_priority_display()}"


def _departments():
    return {"kind": OrgKind.DEPARTMENT}


# Named, so that services.save_rule writes one history row per change itself (fields and co-handlers together).
DISPATCH_RULE_HISTORY = HistoricalRecords(m2m_fields=["co_departments"])


class DispatchRule(ScopedModel):
    """Suggests the lead department and co-handlers for category × district × chain — 派单目录.
    An empty district or chain matches any; the most specific active rule wins. Staff read every rule; a chain
    office changes the rules of its chains, only an admin the city-wide ones (no chain). Every change is kept."""

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE,
                                 related_name="dispatch_rules")
    district = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True,
                                 on_delete=models.CASCADE)
    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), null=True, blank=True, on_delete=models.CASCADE)
    lead_department = models.ForeignKey("registry.Organization", verbose_name=_("lead department"),
                                        on_delete=models.CASCADE, related_name="+", limit_choices_to=_departments)
    co_departments = models.ManyToManyField("registry.Organization", verbose_name=_("co-handlers"), blank=True,
                                            related_name="+", limit_choices_to=_departments)
    active = models.BooleanField(_("active"), default=True)

    history = DISPATCH_RULE_HISTORY

    class Meta:
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch rules")
        ordering = ["category", "district", "chain", "pk"]

    def __str__(self):
        return f"{self.category} → {self.lead_department}"

    @classmethod
    def scope(cls, user, action):
        if action == "view":
            if user.role not in STAFF_ROLES:
                return NOTHING
            # Those of the user's region, and those of no district, which match any (and no region's alone).
            region = region_q(user, "district")
            return None if region is None else region | Q(district__isnull=True)
        # a rule with no chain is city-wide: no office staffs it, so only admins (restrict lets them) change it
        return chain_scope(user, action, "chain__") if user.role == Role.OFFICE else NOTHING


class ChainIssue(ScopedModel):
    """A problem many enterprises raise, handled once for the whole chain — 共性问题. A chain office sees,
    opens and links the issues of the chains it staffs; other staff read them."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), on_delete=models.CASCADE,
                              related_name="issues")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("chain-wide issue")
        verbose_name_plural = _("chain-wide issues")
        ordering = ["-created"]

    def __str__(self):
        return self.title

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action, "chain__")


class StandardReply(ScopedModel):
    """A standard reply for a category — 标准答复: wording the chain office keeps, which a handler picks to fill
    its answer or closing and then adapts. Staff read them; the chain office and admins change them."""

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE,
                                 related_name="standard_replies")
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"), max_length=5000)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("standard reply")
        verbose_name_plural = _("standard replies")
        ordering = ["category", "title", "pk"]
        constraints = [models.UniqueConstraint(fields=["category", "title"], name="standard_reply_unique",
                                               violation_error_message=_("This category has a reply of this title."))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("demands:standard-replies")

    @classmethod
    def scope(cls, user, action):
        if action == "view":
            return None if user.role in STAFF_ROLES else NOTHING
        return None if user.role == Role.OFFICE else NOTHING


def demand_scope(user, action="view"):
    """Q over Demand of what user may see (action "view") or act on (any other: change, the steps): staff only
    within their region (its enterprise's). A chain office acts on the demands of its chains; it sees besides
    every demand of the regions below its own or on their chains (oversight: core.below_region_q) — it counts
    their figures and takes no step on them (permissions.acts_on), nor is it notified of them."""
    q = in_region(_demand_scope(user), user, "district")
    below = overseen_demands(user) if action == "view" else None  # an office's: its q is a Q, never NOTHING
    return q if below is None else q | below


def overseen_demands(user):
    """Q over Demand of those user oversees (core.below_region_q): of a region below its own, or on a chain of
    one (within its subtree); None when user oversees nothing."""
    if not oversees(user):
        return None
    return below_region_q(user, "district") | (below_region_q(user, "chain__region") & region_q(user, "district"))


def _demand_scope(user):
    if user.role == Role.ENTERPRISE:
        return Q(organization_id=user.organization_id) if user.organization_id else NOTHING
    if user.role in (Role.HANDLER, Role.PARTNER):
        # A partner institution: the financing demands it co-handles (demands.services.office.add_partner).
        # Only while the department handles it: once sent back or re-dispatched elsewhere, its assignment is
        # inactive and the demand (later replies, files, comments) is no longer its business. EXISTS on the
        # partial index of active assignments: one probe of (department, demand) per demand, no duplicates.
        handled = Assignment.objects.filter(demand=models.OuterRef("pk"), department_id=user.organization_id,
                                            active=True)
        return Q(models.Exists(handled)) if user.organization_id else NOTHING
    if user.role == Role.OFFICE:
        # A demand on no chain goes to the offices of the chains its enterprise is placed on (placed after
        # intake); an enterprise on no chain at all is the admins' to triage, not every office's.
        placed = Placement.objects.filter(organization_id=models.OuterRef("organization_id"), chain__staff=user)
        return staffed(user, "chain__") | Q(chain__isnull=True) & Q(models.Exists(placed))
    if user.role == Role.SPECIALIST:
        return Q(recorded_by=user)
    return NOTHING


class Demand(Searchable, ScopedModel):
    """A demand an enterprise raised — 诉求 — from intake to rating."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    organization = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                     related_name="demands")
    district = models.ForeignKey("core.Region", verbose_name=_("region"), null=True, blank=True,
                                 on_delete=models.SET_NULL, editable=False)
    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="demands")
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="demands")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.PORTAL)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded on behalf by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="recorded_demands")
    proposer = models.CharField(_("deputy or member"), max_length=60, blank=True,
                                help_text=_("For a 人大建议 / 政协提案: who proposed it."))
    lead_department = models.ForeignKey("registry.Organization", verbose_name=_("lead department"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="led_demands")

    created = models.DateTimeField(_("received"), default=timezone.now, editable=False, db_index=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    first_answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    paused_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    accept_due = models.DateTimeField(_("accept by"), null=True, blank=True)
    answer_due = models.DateTimeField(_("first answer by"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolve by"), null=True, blank=True, db_index=True)
    resolve_working_days = models.PositiveIntegerField(_("working days to close"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(
        _("working days waiting for the enterprise"), default=0, editable=False)

    escalation_level = models.PositiveSmallIntegerField(_("escalation"), choices=EscalationLevel.choices,
                                                        default=EscalationLevel.NONE)
    extension_days = models.PositiveSmallIntegerField(_("extension asked (working days)"), null=True, blank=True)
    extension_reason = models.CharField(_("extension reason"), max_length=300, blank=True)
    resolution = models.TextField(_("result"), blank=True)
    proposal_grade = models.CharField(_("answer grade"), max_length=1, choices=ProposalGrade.choices, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    sent_back_count = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="merged")
    chain_issue = models.ForeignKey(ChainIssue, verbose_name=_("chain-wide issue"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="demands")

    search_fields = ("title", "number")

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-created"], name="demand_org_created_idx"),
            models.Index(fields=["lead_department", "status", "resolve_due"], name="demand_dept_due_idx"),
            models.Index(fields=["chain", "created"], name="demand_chain_created_idx"),
            # the inboxes: what is being handled, nearest deadline first (queried with BEING_HANDLED)
            models.Index(fields=["resolve_due", "id"], name="demand_handling_due_idx",
                         condition=Q(status__in=HANDLING_STATUSES)),
            # the metrics' live part: running demands received in a period (queried with ON_THE_CLOCK)
            models.Index(fields=["created"], name="demand_running_created_idx",
                         condition=Q(status__in=RUNNING_STATUSES)),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("demands:demand", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        return demand_scope(user, action)

    @property
    def is_open(self):
        return self.status in (Status.NEW, Status.ACCEPTED, Status.DISPATCHED, Status.WAITING)

    @property
    def is_proposal(self):
        return self.channel in (Channel.NPC, Channel.CPPCC)


def status_in(*statuses):
    """`status IN (…)` over Demand with the values written into the SQL, as a partial index states its condition:
    SQLite uses a partial index only when the query repeats the condition with the same literals (a bound
    parameter, as the ORM sends `status__in`, does not count) and would otherwise walk a whole index."""
    values = ", ".join(f"'{Status(s).value}'" for s in statuses)
    return RawSQL(f'"demands_demand"."status" IN ({values})', (), output_field=models.BooleanField())  # nosec B611  # values from the Status choices


BEING_HANDLED = status_in(*HANDLING_STATUSES)  # the inboxes (index demand_handling_due_idx)
ON_THE_CLOCK = status_in(*RUNNING_STATUSES)  # overdue and late now (index demand_running_created_idx)


class Assignment(models.Model):
    """A department handling a demand — 承办: the lead unit or a co-handler, with its own deadline."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey("registry.Organization", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="demand_assignments")
    role = models.CharField(_("role"), max_length=4, choices=AssignmentRole.choices)
    due = models.DateTimeField(_("due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["role", "pk"]
        constraints = [models.UniqueConstraint(fields=["demand", "department"], name="assignment_unique")]
        # the inbox: a department's active assignments read from the index alone (no visit of the table)
        indexes = [models.Index(fields=["department", "demand"], condition=models.Q(active=True),
                                name="assignment_active_dept_idx")]

    def __str__(self):
        return f"{self.department} ({self.get_role_display()})"


class DemandEvent(models.Model):
    """One step in a demand's life — append-only: who, when, from, to, note."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("event"), max_length=20, choices=EventType.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    from_status = models.CharField(_("from status"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("demand event")
        verbose_name_plural = _("demand events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.demand_id} {self.type}"


def attachment_path(instance, filename):
    return f"demands/{instance.demand_id}/{filename}"


class Attachment(models.Model):
    """A file given with a demand or a step of it; served only to those who may see the demand."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(DemandEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(pgettext_lazy("file", "size"))  # 大小, not an organisation's 规模
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("demands:attachment", args=[self.pk])


class DemandFigures(models.Model):
    """The counters behind the demand metrics, summed per day (and per month) of receipt and per
    lead department × category × chain × district — kept in step by the services, in the same transaction
    as the change; rebuilt from the demands by `rebuild_demand_figures`.

    Key columns are plain integers with 0 for "none" (so that the unique key also holds for "no
    department"): a row's counters are what its demands contribute now (see `metrics.COUNTERS`), and
    `sent_back` counts the send-backs *by* the row's department. A month row (`month`) holds the sum of
    its days' rows, keyed by the month's first day.
    """

    month = models.BooleanField(default=False)
    day = models.DateField()
    department = models.PositiveIntegerField(default=0)
    category = models.PositiveIntegerField(default=0)
    chain = models.PositiveIntegerField(default=0)
    district = models.PositiveIntegerField(default=0)
    received = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    answered_on_time = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    unresolved = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    days_total = models.IntegerField(default=0)
    days_counted = models.IntegerField(default=0)
    closed_late = models.IntegerField(default=0)
    sent_back = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    open = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("demand figures")
        verbose_name_plural = _("demand figures")
        constraints = [models.UniqueConstraint(fields=["month", "day", "department", "category", "chain", "district"],
                                               name="demand_figures_key")]

    def __str__(self):
        return f"{self.day} {self.department}/{self.category}/{self.chain}/{self.district}"
