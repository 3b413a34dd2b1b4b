"""Coordination — 协调推进: committees and alliances, joint meetings with decisions and action items, joint
activities with registrations and check-in, agreements, visits, pairings, instructors and coverage, and the
annual project lists."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainserve.chains.choices import ChainLevel
from chainserve.chains.models import chain_scope
from chainserve.core.choices import STAFF_ROLES, Role
from chainserve.core.models import NOTHING, ScopedModel, TimeStampedModel
from chainserve.core.money import format_amount
from chainserve.registry.choices import OrgKind

from ..choices import (
    ActionStatus,
    ActivityKind,
    ActivityStatus,
    AgreementKind,
    CoverageKind,
    InstructorKind,
    ItemStatus,
    ListKind,
    MeetingStatus,
    MemberRole,
)


def _departments():
    return {"kind": OrgKind.DEPARTMENT}


def _enterprise_scope(user, action, field="enterprise_id"):
    """Staff see every enterprise's records and editors change them; an enterprise user sees its own."""
    if user.role == Role.ENTERPRISE:
        return Q(**{field: user.organization_id}) if action == "view" and user.organization_id else NOTHING
    if user.role not in STAFF_ROLES:
        return NOTHING
    return None if action == "view" or user.role in (Role.OFFICE, Role.SPECIALIST) else NOTHING


def _dates_ordered(name):
    return models.CheckConstraint(
        condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name=name,
        violation_error_message=_("The end date cannot be before the start date."),
    )


def current_on(on, prefix=""):
    """Q of dated rows (started_on … ended_on) that are current on the date on."""
    return Q(**{f"{prefix}started_on__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": on}))


class Committee(ScopedModel, TimeStampedModel):
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

    history = HistoricalRecords(excluded_fields=["updated"])

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
        return f"{self.organization} ({self.get_role_display()})"

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


class Meeting(ScopedModel, TimeStampedModel):
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

    history = HistoricalRecords(excluded_fields=["updated"])

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


class Decision(ScopedModel):
    """A decision taken at a meeting — 议定事项; each becomes an action item."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="decisions")
    agenda_item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="decisions")
    text = models.TextField(_("decision"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

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


class Activity(ScopedModel, TimeStampedModel):
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

    history = HistoricalRecords(excluded_fields=["updated"])

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
        if user.role in (Role.ENTERPRISE, Role.PARTNER):
            return Q(open_to_enterprises=True) if action == "view" else NOTHING
        return chain_scope(user, action, "chain__")


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


class Agreement(ScopedModel, TimeStampedModel):
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

    history = HistoricalRecords(excluded_fields=["updated"])

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

    @classmethod
    def scope(cls, user, action):
        if user.role == Role.ENTERPRISE:
            return Q(enterprise_id=user.organization_id) if action == "view" and user.organization_id else NOTHING
        if user.role == Role.PARTNER:
            return Q(institution_id=user.organization_id) if action == "view" and user.organization_id else NOTHING
        return chain_scope(user, action, "chain__")


class Visit(ScopedModel, TimeStampedModel):
    """A visit to an enterprise — 走访 — by a service specialist or instructor; demands raised are linked."""

    organization = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                     related_name="visits", limit_choices_to={"kind": OrgKind.ENTERPRISE})
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visited by"), null=True,
                                on_delete=models.SET_NULL, related_name="visits", editable=False)
    visited_on = models.DateField(_("visited on"), db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    demands = models.ManyToManyField("demands.Demand", verbose_name=_("demands raised"), blank=True,
                                     related_name="visits")

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["organization", "visited_on"], name="visit_org_date_idx")]

    def __str__(self):
        return f"{self.organization} {self.visited_on}"

    def get_absolute_url(self):
        return reverse("coordination:visit", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        if user.role == Role.ENTERPRISE:
            return Q(organization_id=user.organization_id) if action == "view" and user.organization_id else NOTHING
        if user.role not in STAFF_ROLES:
            return NOTHING
        if action == "view" or user.role == Role.OFFICE:
            return None
        return Q(visitor=user)


# ---------------------------------------------------------------- alliances

class Alliance(ScopedModel, TimeStampedModel):
    """A chain's party-building alliance — 产业链党建联盟 — of convening units and member units."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT,
                              related_name="alliances")
    name = models.CharField(_("name"), max_length=120)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated"])

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
        who = self.person or (self.user.get_full_name() or self.user.username if self.user else "")
        return f"{who} → {self.enterprise}"

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


# ---------------------------------------------------------------- annual lists

class AnnualList(ScopedModel, TimeStampedModel):
    """A chain's list of the year — 服务项目清单 / 实事项目清单 — whose progress anyone may read."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("chain"), on_delete=models.PROTECT,
                              related_name="annual_lists")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=ListKind.choices)
    title = models.CharField(_("title"), max_length=200)
    public = models.BooleanField(_("public progress page"), default=True,
                                 help_text=_("Anyone may read the items' progress without logging in."))

    history = HistoricalRecords(excluded_fields=["updated"])

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


class ListItem(ScopedModel, TimeStampedModel):
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

    history = HistoricalRecords(excluded_fields=["updated"])

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
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["item", "due_on", "pk"]

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


class CalendarFeed(models.Model):
    """A user's secret iCalendar address — 日历订阅: the token stands for the user, who may renew it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["pk"]

    def __str__(self):
        return str(self.user)
