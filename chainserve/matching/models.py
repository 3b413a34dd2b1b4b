"""Matching — 精准匹配: eligibility rules with versions on policies and financial products, the matches they
produce for enterprises, and the resources a handler attaches to a demand."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainserve.core.choices import EDITOR_ROLES, STAFF_ROLES, Role
from chainserve.core.models import NOTHING, ScopedModel, TimeStampedModel, in_region
from chainserve.resources.choices import ItemStatus

from .choices import BaseKind, MatchState


class Rule(ScopedModel, TimeStampedModel):
    """The eligibility rule — 资格条件 — of one policy or one financial product. Its text lives in versions,
    each with effective dates; the version in force on a day is the newest one effective that day."""

    policy = models.OneToOneField("resources.Policy", verbose_name=_("policy"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="eligibility_rule")
    product = models.OneToOneField("resources.FinancialProduct", verbose_name=_("financial product"), null=True,
                                   blank=True, on_delete=models.CASCADE, related_name="eligibility_rule")
    active = models.BooleanField(_("active"), default=True, help_text=_("An inactive rule matches nobody."))

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["-updated", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(policy__isnull=False, product__isnull=True) | Q(policy__isnull=True, product__isnull=False),
                name="matching_rule_one_item",
                violation_error_message=_("A rule belongs to exactly one policy or one financial product."),
            ),
        ]

    def __str__(self):
        return str(self.item)

    def get_absolute_url(self):
        return reverse("matching:rule", args=[self.pk])

    @property
    def item(self):
        return self.policy if self.policy_id else self.product

    @property
    def owner_id(self):
        return self.policy.issuer_id if self.policy_id else self.product.institution_id

    def version_on(self, day=None):
        """The version in force on day (today by default), or None."""
        day = day or timezone.localdate()
        return self.versions.filter(Q(effective_from__isnull=True) | Q(effective_from__lte=day),
                                    Q(effective_to__isnull=True) | Q(effective_to__gte=day)).order_by("-number").first()

    @classmethod
    def scope(cls, user, action):
        if action == "view" and user.role in STAFF_ROLES:
            return None
        if action == "change" and user.role in EDITOR_ROLES:
            return None
        if not user.organization_id or user.role not in (Role.HANDLER, Role.PARTNER):
            return NOTHING
        # A department keeps the rules of its policies, a bank those of its products.
        return Q(policy__issuer_id=user.organization_id) | Q(product__institution_id=user.organization_id)


class RuleVersion(models.Model):
    """One text of a rule — 条件版本: never changed once saved; a change is a new version."""

    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    expression = models.JSONField(_("conditions"), help_text=_("all / any / not over comparisons of enterprise "
                                                              "fields; see the examples beside the form."))
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    benefits = models.JSONField(_("benefits"), default=list, blank=True,
                                help_text=_("What a qualifying enterprise may get, item by item (matching.benefits)."))
    benefit_cap = models.PositiveBigIntegerField(_("cap per enterprise and year (fen)"), null=True, blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["rule", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="matching_version_unique",
                                    violation_error_message=_("This rule already has a version with this number.")),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="matching_version_dates_ordered",
                violation_error_message=_("A version cannot end before it takes effect."),
            ),
        ]

    def __str__(self):
        return f"{self.rule} v{self.number}"

    @property
    def period(self):
        """(effective_from, effective_to): a rule's policy year when both are set (matching.rules.policy_year)."""
        return self.effective_from, self.effective_to


ENTERPRISE_INDEX = "matching_match_enterprise_idx"


def published_item(prefix=""):
    """Q over Match (or `prefix`-ed relations) whose policy or financial product is published now: an enterprise
    is shown only those through its matches — a withdrawn or redrafted item is kept from it, the match kept."""
    return (Q(**{f"{prefix}rule__policy__status": ItemStatus.PUBLISHED})
            | Q(**{f"{prefix}rule__product__status": ItemStatus.PUBLISHED}))


class Match(ScopedModel):
    """An item that fits an enterprise — 匹配: which rule version matched, and what the enterprise did with it.

    A match that stops qualifying is deleted while nobody has acted on it; once saved, dismissed or applied
    it is kept with `qualifies` off, so the enterprise's choice is not lost."""

    # A match is derived data — what the rules say of the profiles, recomputed every night — written and
    # deleted by the million, rule by rule. So it has two indexes only: the unique (rule, enterprise), which
    # grows at its end as a rule's matches are written and serves every per-rule read, and the enterprise
    # index for the enterprise's own pages, which a first build makes last (services._enterprise_index_last).
    # Its keys carry no index of their own (a version is only looked up when versions are deleted, a rare
    # admin action that then scans) and no database constraint: the constraint's check on each inserted row
    # (a locking read of the enterprise, the rule and the version) was 60 % of a full recompute on
    # PostgreSQL. Deletions go through the ORM, which applies on_delete itself.
    enterprise = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="matches", db_index=False, db_constraint=False)
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="matches",
                             db_index=False, db_constraint=False)
    # RESTRICT, not PROTECT: a version is not deleted alone while matches point to it, but deleting its item
    # (its rule, its versions and its matches) is allowed — PROTECT refused that.
    version = models.ForeignKey(RuleVersion, verbose_name=_("matched version"), on_delete=models.RESTRICT,
                                related_name="+", db_index=False, db_constraint=False)
    state = models.CharField(_("state"), max_length=10, choices=MatchState.choices, default=MatchState.NEW)
    qualifies = models.BooleanField(_("still qualifies"), default=True)
    created = models.DateTimeField(_("matched"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), default=timezone.now)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "enterprise"], name="matching_match_unique",
                                    violation_error_message=_("This item is already matched to the enterprise.")),
        ]
        indexes = [models.Index(fields=["enterprise"], name=ENTERPRISE_INDEX)]

    def __str__(self):
        return f"{self.rule} → {self.enterprise}"

    def get_absolute_url(self):
        return reverse("matching:match", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        if user.role == Role.ENTERPRISE:
            return Q(enterprise_id=user.organization_id) if user.organization_id else NOTHING
        if action == "view" and user.role in STAFF_ROLES:
            return in_region(None, user, "enterprise__district")
        if action == "view" and user.role == Role.PARTNER and user.organization_id:
            # A bank sees who qualifies for its own products (its desk, the qualifying list), nothing else.
            return Q(rule__product__institution_id=user.organization_id)
        return NOTHING


class DeclaredInput(ScopedModel):
    """A base only the firm knows — its R&D cost, its rent … — declared by it for one rule's benefits and one
    year: 企业申报基数. Amount in fen (in persons for headcount); declaring again replaces it."""

    enterprise = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="+")
    rule = models.ForeignKey(Rule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="declared_inputs")
    kind = models.CharField(_("base"), max_length=20, choices=BaseKind.choices)
    amount = models.PositiveBigIntegerField(_("amount (fen; persons for headcount)"))
    year = models.PositiveSmallIntegerField(_("year"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("declared by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("declared"), default=timezone.now)

    class Meta:
        verbose_name = _("declared input")
        verbose_name_plural = _("declared inputs")
        ordering = ["rule", "enterprise", "year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "rule", "kind", "year"], name="matching_declared_unique",
                                    violation_error_message=_("This base is already declared for this year.")),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.rule_id} {self.kind} {self.year}"

    @classmethod
    def scope(cls, user, action):
        if user.role == Role.ENTERPRISE:
            return Q(enterprise_id=user.organization_id) if user.organization_id else NOTHING
        if action == "view" and user.role in STAFF_ROLES:
            return in_region(None, user, "enterprise__district")
        return NOTHING


# One foreign key per catalogue model, named after the model (resources.CATALOGUE_MODELS).
ITEM_FIELDS = ("policy", "financialproduct", "space", "equipment", "expert", "talentprogramme", "achievement")


class DemandResource(models.Model):
    """A catalogue item a handler attached to a demand as (part of) the answer — 推荐资源."""

    demand = models.ForeignKey("demands.Demand", verbose_name=_("demand"), on_delete=models.CASCADE,
                               related_name="attached_resources")
    policy = models.ForeignKey("resources.Policy", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    financialproduct = models.ForeignKey("resources.FinancialProduct", null=True, blank=True,
                                         on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey("resources.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    equipment = models.ForeignKey("resources.Equipment", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    expert = models.ForeignKey("resources.Expert", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    talentprogramme = models.ForeignKey("resources.TalentProgramme", null=True, blank=True,
                                        on_delete=models.CASCADE, related_name="+")
    achievement = models.ForeignKey("resources.Achievement", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+")
    reasons = models.JSONField(_("why"), default=list, blank=True)
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attached by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("attached"), auto_now_add=True)

    class Meta:
        verbose_name = _("attached resource")
        verbose_name_plural = _("attached resources")
        ordering = ["created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(*[Q(**{f"{f}__isnull": f != name for f in ITEM_FIELDS}) for name in ITEM_FIELDS],
                            _connector=Q.OR),
                name="matching_demand_resource_one_item",
                violation_error_message=_("An attached resource is exactly one catalogue item."),
            ),
        ]

    def __str__(self):
        return str(self.item)

    @property
    def item(self):
        return next(getattr(self, name) for name in ITEM_FIELDS if getattr(self, f"{name}_id"))
