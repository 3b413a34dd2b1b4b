"""Chains — 产业链: chains with their 链长 and office, the segment tree, and enterprises placed on it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainserve.core.choices import STAFF_ROLES, Role
from chainserve.core.models import NOTHING, ScopedModel, TimeStampedModel, in_region
from chainserve.core.money import format_yuan
from chainserve.core.search import Searchable
from chainserve.registry.choices import OrgKind, OrgSize

from .choices import LEAD_TRANSITIONS, ChainLevel, LeadStage, PlacementRole, Stage

# The level of the chain a chain sits under (Chain.parent): a district's under its city's, a city's under its
# province's.
LEVEL_ABOVE = {ChainLevel.DISTRICT: ChainLevel.CITY, ChainLevel.CITY: ChainLevel.PROVINCE}
WRONG_LEVEL_ABOVE = {
    ChainLevel.PROVINCE: _("A province's chain has no chain above it."),
    ChainLevel.CITY: _("The chain above a city's chain is a province's chain."),
    ChainLevel.DISTRICT: _("The chain above a district's chain is a city's chain."),
}


def chain_scope(user, action, prefix=""):
    """Q over Chain (or a model reaching it through prefix) of what user may see or change: a chain office its
    chains, other staff every chain (to read) — both within the user's region subtree (core.in_region)."""
    if user.role == Role.OFFICE:
        q = Q(**{f"{prefix}staff": user})
    elif action == "view" and user.role in STAFF_ROLES:
        q = None
    else:
        return NOTHING
    return in_region(q, user, f"{prefix}region")


class Chain(Searchable, ScopedModel, TimeStampedModel):
    """An industry chain at province, city or district level — 产业链, led by a 链长 and run by a chain office;
    it belongs to a region of its level (empty: the platform's, on an install that keeps no regions)."""

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=ChainLevel.choices, default=ChainLevel.CITY)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="chains", help_text=_("The province, city or district the chain is of, at its level."),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("chain above"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="district_chains",
    )
    leader = models.ForeignKey(
        "registry.Person", verbose_name=_("chain leader (链长)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="led_chains",
    )
    office = models.ForeignKey(
        "registry.Organization", verbose_name=_("chain office"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="chain_offices",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("office staff"), blank=True, related_name="chains"
    )
    description = models.TextField(_("description"), blank=True)

    search_fields = ("name",)
    history = HistoricalRecords(m2m_fields=[], excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("chain")
        verbose_name_plural = _("chains")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "level", "region"], name="chain_unique_name",
                violation_error_message=_("A chain with this name already exists at this level."),
            ),
            models.CheckConstraint(
                condition=Q(level=ChainLevel.CITY) | Q(region__isnull=False),
                name="chain_district_level_has_district",
                violation_error_message=_("A province or district chain needs its region."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("chains:chain", args=[self.pk])

    def clean(self):
        if self.region_id and self.region.level != self.level:
            raise ValidationError({"region": _("A chain of this level belongs to a region of the same level "
                                               "(%(level)s).") % {"level": self.get_level_display()}})
        if self.parent_id and self.level in WRONG_LEVEL_ABOVE:  # an unknown level is the field's error
            self.clean_parent()

    def clean_parent(self):
        """The chain above is of the level directly above (a city's chain sits under a province's, a district's
        under a city's) and of the region holding this chain's region; a chain above of no region is the
        platform's (an install that keeps no regions) and holds every region."""
        above = self.parent
        if above.level != LEVEL_ABOVE.get(self.level):
            raise ValidationError({"parent": WRONG_LEVEL_ABOVE[self.level]})
        if above.region_id and not (self.region_id and self.region.path.startswith(above.region.path)):
            raise ValidationError({"parent": _("The chain above is of %(region)s, which does not hold this chain's "
                                               "region.") % {"region": above.region}})

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action)

    @classmethod
    def may_create(cls, user):
        """A chain office sets up its chains (it is then among their staff); admins open any."""
        return user.role == Role.OFFICE


def office_staff(staff, user):
    """The staff a chain is saved with: an office user setting up or editing a chain stays among its staff,
    or the chain would leave the hands of the person saving it."""
    staff = list(staff or [])
    if user.role == Role.OFFICE and user not in staff:
        staff.append(user)
    return staff


class Segment(Searchable, ScopedModel, TimeStampedModel):
    """A link of a chain — 环节 — in a tree: upstream / midstream / downstream, with its GB/T 4754 code."""

    chain = models.ForeignKey(Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="segments")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent segment"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    gbt_code = models.CharField(
        _("GB/T 4754 code"), max_length=8, blank=True, help_text=_("e.g. C276, C2762, C358, M7340.")
    )
    import_dependent = models.BooleanField(
        _("import-dependent"), default=False, help_text=_("Depends on imports or on a single supplier (卡脖子).")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), blank=True)

    search_fields = ("name",)
    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["chain", "stage", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "parent", "name"], name="segment_unique_name",
                violation_error_message=_("This chain already has a segment with this name here."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("chains:segment", args=[self.pk])

    def clean(self):
        if self.parent_id and self.parent.chain_id != self.chain_id:
            raise ValidationError({"parent": _("The parent segment belongs to another chain.")})
        node = self.parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError({"parent": _("A segment cannot sit under itself.")})
            node = node.parent

    @classmethod
    def scope(cls, user, action):
        return chain_scope(user, action, "chain__")


class Placement(ScopedModel, TimeStampedModel):
    """An organisation placed on a chain segment with its role — 链上企业 (链主, backbone …)."""

    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.CASCADE, related_name="placements"
    )
    chain = models.ForeignKey(
        Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="placements", editable=False
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="placements",
    )
    role = models.CharField(_("role"), max_length=12, choices=PlacementRole.choices, default=PlacementRole.SUPPORTING)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["segment", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "organization"], name="placement_unique",
                violation_error_message=_("This organisation is already placed on this segment."),
            ),
        ]
        indexes = [models.Index(fields=["chain", "segment"], name="placement_chain_segment_idx")]

    def __str__(self):
        return f"{self.organization} @ {self.segment}"

    @property
    def profile_of(self):
        """A placement is part of its organisation's profile (its chain segment: core.profiles.profile_changed)."""
        return self.organization

    def get_absolute_url(self):
        return self.segment.get_absolute_url()

    def clean(self):
        if self.organization_id and self.organization.kind not in (OrgKind.ENTERPRISE, OrgKind.UNIVERSITY,
                                                                   OrgKind.HOSPITAL):
            raise ValidationError(
                {"organization": _("Only enterprises, hospitals and institutes are placed on a chain.")}
            )

    def save(self, *args, **kwargs):
        # Denormalised so chain-wide counts need no join through segments.
        self.chain_id = self.segment.chain_id
        super().save(*args, **kwargs)

    @classmethod
    def scope(cls, user, action):
        """Staff as the chain (chain_scope); an enterprise, hospital or institute also sees where it sits
        itself (一企一档: its own file shows its placements, not "on no chain"), without changing them."""
        q = chain_scope(user, action, "chain__")
        if action == "view" and q == NOTHING and user.organization_id:
            return Q(organization_id=user.organization_id)
        return q


def lead_scope(user, action, prefix=""):
    """Investment attraction is the chain office's work: its staff see and change their chains' candidates
    and leads; nobody else but admins."""
    if user.role == Role.OFFICE:
        return in_region(Q(**{f"{prefix}staff": user}), user, f"{prefix}region")
    return NOTHING


class Candidate(Searchable, ScopedModel, TimeStampedModel):
    """A firm outside the region that would fill segments of a chain — 招商候选企业 (靶向招商)."""

    chain = models.ForeignKey(Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=100, help_text=_("Where the firm is, e.g. 上海市浦东新区."))
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    segments = models.ManyToManyField(Segment, verbose_name=_("segments it would fill"), related_name="candidates")
    products = models.TextField(_("main products"), blank=True)
    size = models.CharField(_("size"), max_length=10, choices=OrgSize.choices, blank=True)
    revenue = models.BigIntegerField(_("annual revenue (yuan)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    search_fields = ("name", "region", "products")
    history = HistoricalRecords(m2m_fields=[], excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("investment candidate")
        verbose_name_plural = _("investment candidates")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "name"], name="candidate_unique_name",
                violation_error_message=_("This chain already has a candidate with this name."),
            ),
            models.CheckConstraint(
                condition=Q(revenue__isnull=True) | Q(revenue__gte=0), name="candidate_revenue_nonnegative",
                violation_error_message=_("The revenue cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("chains:candidate", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        return lead_scope(user, action, "chain__")


class Lead(ScopedModel, TimeStampedModel):
    """An investment lead — 招商线索: a candidate pursued for one segment, from found to landed or dropped.

    Its stage changes only through chains.services.move_lead, which checks `version` so that two people
    acting at once get one winner and one conflict, and writes a LeadEvent."""

    candidate = models.ForeignKey(Candidate, verbose_name=_("candidate"), on_delete=models.PROTECT,
                                  related_name="leads")
    segment = models.ForeignKey(Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="leads")
    chain = models.ForeignKey(Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="leads",
                              editable=False)
    stage = models.CharField(_("stage"), max_length=10, choices=LeadStage.choices, default=LeadStage.FOUND,
                             db_index=True, editable=False)
    amount = models.BigIntegerField(_("investment amount (yuan)"), null=True, blank=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("followed by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="leads")
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    stage_changed_at = models.DateTimeField(_("stage changed"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated"])

    class Meta:
        verbose_name = _("investment lead")
        verbose_name_plural = _("investment leads")
        ordering = ["-updated", "-pk"]
        indexes = [models.Index(fields=["chain", "stage"], name="lead_chain_stage_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "segment"], name="lead_unique_candidate_segment",
                violation_error_message=_("This candidate is already a lead for this segment."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="lead_amount_nonnegative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.candidate} → {self.segment}"

    def get_absolute_url(self):
        return reverse("chains:lead", args=[self.pk])

    def clean(self):
        if self.candidate_id and self.segment_id and self.candidate.chain_id != self.segment.chain_id:
            raise ValidationError({"segment": _("The segment belongs to another chain than the candidate.")})

    def save(self, *args, **kwargs):
        self.chain_id = self.segment.chain_id
        super().save(*args, **kwargs)

    @property
    def amount_display(self):
        return format_yuan(self.amount)

    @property
    def next_stages(self):
        return LEAD_TRANSITIONS[LeadStage(self.stage)]

    @classmethod
    def scope(cls, user, action):
        return lead_scope(user, action, "chain__")


class LeadEvent(models.Model):
    """One stage change of a lead — 线索进展, written once and never changed."""

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="events")
    chain = models.ForeignKey(Chain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="+")
    from_stage = models.CharField(_("from"), max_length=10, choices=LeadStage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=10, choices=LeadStage.choices)
    amount = models.BigIntegerField(_("investment amount (yuan)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        verbose_name = _("lead event")
        verbose_name_plural = _("lead events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["to_stage", "at"], name="lead_event_stage_at_idx")]

    def __str__(self):
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"
