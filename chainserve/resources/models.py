"""The resource catalogue — 资源库: policies, financial products, spaces, shared equipment and platforms,
experts, talent programmes and technology achievements.

What other apps (matching, portal, reports) may rely on:
- Every catalogue model (`CATALOGUE_MODELS`) has `title`, `description`, `tags` (many-to-many to `Tag`,
  `tag_names()` gives the names), `status` (`ItemStatus`: draft / published / withdrawn), `published_at`,
  `owner_org_id` (the organisation that maintains it: issuer, institution, park, owner), `relevance_text()`
  (the plain text to rank it by: title, description, benefit, tags …) and `search_text` (for `q`).
- `Model.objects.published()` gives what enterprises see; `restrict(user)` scopes as everywhere.
- `Policy` and `FinancialProduct` also have `benefit`; a policy has `effective_from` / `effective_to`,
  `is_effective(day)`, `granted_without_application` (免申即享) and `issuer`.
- Publishing, withdrawing and saving go through `resources.services` (`publish`, `withdraw`, `save_item`);
  each calls `core.profiles.catalogue_changed(item)` in its transaction (matching queues its recompute).
- `PolicyApplication` (政策申报) follows an enterprise's application for a policy to payment, with its
  `ApplicationEvent`s and `ApplicationDocument`s; its state changes only through `resources.applications`.
Eligibility rules are not kept here: they belong to the matching app.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from chainserve.core.choices import EDITOR_ROLES, STAFF_ROLES, Role
from chainserve.core.models import NOTHING, RestrictedQuerySet, ScopedModel, TimeStampedModel, in_region
from chainserve.core.search import Searchable
from chainserve.demands.choices import EscalationLevel
from chainserve.registry.choices import OrgKind

from .choices import (
    CLOSED_STATES,
    ApplicationState,
    ApplicationStep,
    DocumentKind,
    ItemStatus,
    PlatformKind,
    PolicyLevel,
    ProductKind,
    SpaceKind,
    TransferMode,
)


class Tag(models.Model):
    """A tag on catalogue items — 标签: 融资, 研发, 临床试验, 人才 …"""

    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CatalogueQuerySet(RestrictedQuerySet):
    def published(self):
        return self.filter(status=ItemStatus.PUBLISHED)


class CatalogueItem(Searchable, ScopedModel, TimeStampedModel):
    """What every catalogue item has: a title, tags, a publication status and an owning organisation.

    Subclasses name their owner foreign key in `owner_field` and list the text they are ranked by in
    `text_fields`."""

    owner_field = "owner"
    text_fields = ("title", "description")
    search_fields = ("title", "description")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="%(class)s_items")
    status = models.CharField(_("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.DRAFT,
                              db_index=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def owner_org_id(self):
        return getattr(self, f"{self.owner_field}_id")

    @property
    def is_published(self):
        return self.status == ItemStatus.PUBLISHED

    def tag_names(self):
        return [t.name for t in self.tags.all()]

    def relevance_text(self):
        parts = [str(getattr(self, name) or "") for name in self.text_fields]
        if self.pk:
            parts.extend(self.tag_names())
        return "\n".join(p for p in parts if p)

    def get_absolute_url(self):
        return reverse(f"resources:{self._meta.model_name}", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        own = Q(**{f"{cls.owner_field}_id": user.organization_id}) if user.organization_id else NOTHING
        if action == "view":
            if user.role in STAFF_ROLES:
                return None
            return Q(status=ItemStatus.PUBLISHED) | own
        if user.role in EDITOR_ROLES:
            return None
        # A department handler keeps its department's items, a partner its institution's.
        return own if user.role in (Role.HANDLER, Role.PARTNER) else NOTHING

    @classmethod
    def status_constraint(cls, name):
        return models.CheckConstraint(
            condition=~Q(status=ItemStatus.PUBLISHED) | Q(published_at__isnull=False),
            name=f"{name}_published_has_time",
            violation_error_message=_("A published item has the time it was published."),
        )


class Policy(CatalogueItem):
    """A policy — 政策: issuer, document number (文号), effective dates, benefit, how to apply, 免申即享."""

    owner_field = "issuer"
    text_fields = ("title", "description", "benefit", "application_guide", "document_number")

    issuer = models.ForeignKey("registry.Organization", verbose_name=_("issuer"), on_delete=models.PROTECT,
                               related_name="policies", help_text=_("The department that issued the policy."))
    level = models.CharField(_("level"), max_length=10, choices=PolicyLevel.choices, default=PolicyLevel.CITY)
    document_number = models.CharField(_("document number"), max_length=80, blank=True,
                                       help_text=_("文号, e.g. 明政规〔2025〕3号."))
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    benefit = models.TextField(_("benefit"), blank=True, help_text=_("What an enterprise gets, in amounts and terms."))
    application_guide = models.TextField(_("application guide"), blank=True)
    granted_without_application = models.BooleanField(
        _("granted without application"), default=False,
        help_text=_("免申即享: qualifying enterprises get it without applying."),
    )
    url = models.URLField(_("link to the full text"), blank=True)
    apply_until = models.DateField(_("apply until"), null=True, blank=True,
                                   help_text=_("The last day of the application window; matched enterprises are "
                                               "reminded before it."))

    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"], name="policy_status_idx")]
        constraints = [
            CatalogueItem.status_constraint("policy"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="policy_effective_dates_ordered",
                violation_error_message=_("The policy cannot end before it takes effect."),
            ),
        ]

    def is_effective(self, day=None):
        day = day or timezone.localdate()
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to)


class FinancialProduct(CatalogueItem):
    """A financial product of a bank or investor — 金融产品: amounts in 元, term, rate."""

    owner_field = "institution"
    text_fields = ("title", "description", "benefit", "rate")

    institution = models.ForeignKey("registry.Organization", verbose_name=_("institution"),
                                    on_delete=models.PROTECT, related_name="financial_products")
    kind = models.CharField(_("kind"), max_length=12, choices=ProductKind.choices, default=ProductKind.CREDIT)
    amount_min = models.BigIntegerField(_("amount from (yuan)"), null=True, blank=True)
    amount_max = models.BigIntegerField(_("amount up to (yuan)"), null=True, blank=True)
    term = models.CharField(_("term"), max_length=60, blank=True, help_text=_("e.g. 1–3 years."))
    rate = models.CharField(_("rate"), max_length=100, blank=True, help_text=_("e.g. LPR + 0.2%, subsidised."))
    benefit = models.TextField(_("benefit"), blank=True)

    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("financial product")
        verbose_name_plural = _("financial products")
        ordering = ["-published_at", "-pk"]
        constraints = [
            CatalogueItem.status_constraint("financial_product"),
            models.CheckConstraint(
                condition=(Q(amount_min__isnull=True) | Q(amount_min__gte=0))
                & (Q(amount_max__isnull=True) | Q(amount_max__gte=0)),
                name="financial_product_amounts_nonnegative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True) | Q(amount_max__isnull=True)
                | Q(amount_max__gte=F("amount_min")),
                name="financial_product_amounts_ordered",
                violation_error_message=_("The largest amount cannot be below the smallest."),
            ),
        ]


class Space(CatalogueItem):
    """Space to let in a park — 载体空间: office, laboratory, GMP plant; area, rent, available from."""

    owner_field = "park"
    text_fields = ("title", "description", "address")

    park = models.ForeignKey("registry.Organization", verbose_name=_("park"), on_delete=models.PROTECT,
                             related_name="spaces", limit_choices_to={"kind": OrgKind.PARK})
    kind = models.CharField(_("kind"), max_length=10, choices=SpaceKind.choices, default=SpaceKind.OFFICE)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area_m2 = models.PositiveIntegerField(_("area (m²)"))
    rent = models.CharField(_("rent"), max_length=100, blank=True, help_text=_("e.g. 1.5 元/m²/天, first year free."))
    available_from = models.DateField(_("available from"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["-published_at", "-pk"]
        constraints = [CatalogueItem.status_constraint("space")]


class Equipment(CatalogueItem):
    """Shared equipment or platform — 共享仪器/平台: instruments, biobanks, clinical data, GCP sites."""

    owner_field = "owner"
    text_fields = ("title", "description", "booking_terms")

    owner = models.ForeignKey("registry.Organization", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="equipment")
    kind = models.CharField(_("kind"), max_length=14, choices=PlatformKind.choices, default=PlatformKind.INSTRUMENT)
    location = models.CharField(_("location"), max_length=200, blank=True)
    booking_terms = models.TextField(_("booking terms"), blank=True, help_text=_("How to book, fees, lead time."))

    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("equipment or platform")
        verbose_name_plural = _("equipment and platforms")
        ordering = ["-published_at", "-pk"]
        constraints = [CatalogueItem.status_constraint("equipment")]


class Expert(CatalogueItem):
    """An expert available to enterprises — 专家: field of expertise and organisation."""

    owner_field = "organization"
    text_fields = ("title", "description", "expertise", "position")

    title = models.CharField(_("full name"), max_length=200)
    organization = models.ForeignKey("registry.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="experts")
    position = models.CharField(_("professional title"), max_length=100, blank=True)
    expertise = models.CharField(_("field of expertise"), max_length=200)

    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["-published_at", "-pk"]
        constraints = [CatalogueItem.status_constraint("expert")]


class TalentProgramme(CatalogueItem):
    """A talent programme — 人才计划: who runs it, what it grants, until when one can apply."""

    owner_field = "issuer"
    text_fields = ("title", "description", "benefit")

    issuer = models.ForeignKey("registry.Organization", verbose_name=_("issuer"), on_delete=models.PROTECT,
                               related_name="talent_programmes")
    benefit = models.TextField(_("benefit"), blank=True)
    apply_until = models.DateField(_("apply until"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("talent programme")
        verbose_name_plural = _("talent programmes")
        ordering = ["-published_at", "-pk"]
        constraints = [CatalogueItem.status_constraint("talent_programme")]


class Achievement(CatalogueItem):
    """A technology achievement offered for transfer — 科技成果: owner, field, maturity, how it is offered."""

    owner_field = "owner"
    text_fields = ("title", "description", "technical_field")

    owner = models.ForeignKey("registry.Organization", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="achievements")
    technical_field = models.CharField(_("technical field"), max_length=100, blank=True)
    transfer_mode = models.CharField(_("transfer mode"), max_length=12, choices=TransferMode.choices,
                                     default=TransferMode.TRANSFER)
    patents = models.CharField(_("patent numbers"), max_length=200, blank=True)
    maturity = models.CharField(_("maturity"), max_length=60, blank=True, help_text=_("e.g. preclinical, pilot."))

    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("technology achievement")
        verbose_name_plural = _("technology achievements")
        ordering = ["-published_at", "-pk"]
        constraints = [CatalogueItem.status_constraint("achievement")]


CATALOGUE_MODELS = (Policy, FinancialProduct, Space, Equipment, Expert, TalentProgramme, Achievement)


class PolicyApplication(ScopedModel, TimeStampedModel):
    """An enterprise's application for a policy — 政策申报 — on its road to payment (兑现): submitted, reviewed by
    the issuing department (returned for more, approved or refused), publicised (公示) for objections, paid and
    confirmed received. Amounts are in fen. Its state changes only through `resources.applications`."""

    enterprise = models.ForeignKey("registry.Organization", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="policy_applications")
    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.PROTECT,
                               related_name="applications")
    state = models.CharField(_("state"), max_length=12, choices=ApplicationState.choices,
                             default=ApplicationState.SUBMITTED, db_index=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    without_application = models.BooleanField(_("granted without application"), default=False, editable=False)
    amount_applied = models.BigIntegerField(_("amount applied for (fen)"), null=True, blank=True)
    amount_approved = models.BigIntegerField(_("amount approved (fen)"), null=True, blank=True, editable=False)
    amount_paid = models.BigIntegerField(_("amount paid (fen)"), null=True, blank=True, editable=False)
    inputs = models.JSONField(pgettext_lazy("application", "declared inputs"), default=dict, blank=True,
                              help_text=_("What the enterprise declares: R&D cost, investment, headcount …"))
    statement = models.TextField(_("statement"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)
    review_due = models.DateField(_("review due"), null=True, blank=True, editable=False)
    objection_until = models.DateField(_("objections until"), null=True, blank=True, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, editable=False)
    working_days_to_payment = models.PositiveIntegerField(_("working days to payment"), null=True, blank=True,
                                                          editable=False)
    # Set on approval: paid by then, or the sweep escalates it as it does an overdue demand (same levels).
    payment_due = models.DateField(_("payment due"), null=True, blank=True, editable=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation"), choices=EscalationLevel.choices,
                                                        default=EscalationLevel.NONE, editable=False)

    class Meta:
        verbose_name = _("policy application")
        verbose_name_plural = _("policy applications")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["policy", "state"], name="application_policy_state")]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "policy"], condition=~Q(state__in=CLOSED_STATES),
                                    name="application_one_open_per_policy",
                                    violation_error_message=_("The enterprise already has an application for "
                                                              "this policy.")),
            models.CheckConstraint(
                condition=(Q(amount_applied__isnull=True) | Q(amount_applied__gte=0))
                & (Q(amount_approved__isnull=True) | Q(amount_approved__gte=0))
                & (Q(amount_paid__isnull=True) | Q(amount_paid__gte=0)),
                name="application_amounts_nonnegative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.policy}"

    def get_absolute_url(self):
        return reverse("resources:application", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        """The chain office sees all; the issuing department its policies' applications; an enterprise its own."""
        if user.role == Role.OFFICE:  # the chain office follows every policy and may publish any 公示 list
            return in_region(None, user, "enterprise__district")  # of its region's enterprises
        if not user.organization_id:
            return NOTHING
        if user.role == Role.ENTERPRISE:
            return Q(enterprise_id=user.organization_id)
        if user.role in (Role.OFFICE, Role.HANDLER, Role.SPECIALIST):
            return Q(policy__issuer_id=user.organization_id)
        return NOTHING


class ApplicationEvent(models.Model):
    """One step in an application's life — append-only: who, when, from, to, note (the page's timeline)."""

    application = models.ForeignKey(PolicyApplication, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("event"), max_length=14, choices=ApplicationStep.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    from_state = models.CharField(_("from state"), max_length=12, choices=ApplicationState.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=12, choices=ApplicationState.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.application_id} {self.type}"


def application_document_path(instance, filename):
    return f"applications/{instance.application_id}/{filename}"


class ApplicationDocument(models.Model):
    """A file given with an application or a step of it (a required document, a payment voucher); served only to
    those who may see the application. Type and size are checked as a demand's attachments are."""

    application = models.ForeignKey(PolicyApplication, on_delete=models.CASCADE, related_name="documents")
    event = models.ForeignKey(ApplicationEvent, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices, default=DocumentKind.DOCUMENT)
    file = models.FileField(_("file"), upload_to=application_document_path)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(pgettext_lazy("file", "size"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["pk"]

    def __str__(self):
        return self.name
