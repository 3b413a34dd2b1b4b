"""The registry — 主体库: organisations of every kind, enterprise profiles, products, people, relationships."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chainserve.core.choices import EDITOR_ROLES, STAFF_ROLES, Role
from chainserve.core.models import NOTHING, ScopedModel, TimeStampedModel, in_region, region_q
from chainserve.core.search import Searchable

from .choices import (
    CORRECTABLE_FIELDS,
    RELATION_INVERSE,
    ApprovalType,
    CorrectionStatus,
    DrugClass,
    Expedited,
    ListingStatus,
    OrgKind,
    OrgSize,
    Phase,
    ProductKind,
    RelationKind,
)


class Label(models.Model):
    """A label an organisation carries — 标签: 高新技术企业, 专精特新, 链主 …"""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["slug"]

    def __str__(self):
        return self.name


class Organization(Searchable, ScopedModel, TimeStampedModel):
    """Any organisation in a chain — 主体: enterprise, department, park, hospital, bank, university …"""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices, db_index=True)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True,
        help_text=_("统一社会信用代码, 18 characters (GB 32100-2015)."),
    )
    # The region the organisation sits in, of any level (a city's 科技局 in the city, a firm in its district or
    # town); named `district` as the API, the workbook's 区县 column and the eligibility rules name it.
    district = models.ForeignKey(
        "core.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations",
    )
    park = models.ForeignKey(
        "self", verbose_name=_("park"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="tenants", limit_choices_to={"kind": OrgKind.PARK},
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=OrgSize.choices, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    listing_status = models.CharField(
        _("listing status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.NONE,
        db_index=True,
    )
    labels = models.ManyToManyField(Label, verbose_name=_("labels"), blank=True, related_name="organizations")
    address = models.CharField(_("address"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    search_fields = ("name", "short_name", "uscc")
    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["name", "id"], name="org_name_idx"),
            models.Index(fields=["kind", "name"], name="org_kind_name_idx"),
            models.Index(fields=["district", "name"], name="org_district_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(employees__isnull=True) | Q(employees__gte=0),
                name="org_employees_nonnegative",
                violation_error_message=_("The number of employees cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def profile_of(self):
        """The organisation whose profile this record is (core.profiles.profile_changed)."""
        return self

    def get_absolute_url(self):
        return reverse("registry:organization", args=[self.pk])

    @property
    def is_enterprise(self):
        return self.kind == OrgKind.ENTERPRISE

    @classmethod
    def scope(cls, user, action):
        """Who sees and changes an organisation. Staff see every one, others their own. Changing (and its
        people, products and relationships): an admin every one; a chain office's staff the organisations
        placed on a chain they staff and those on no chain at all (departments, banks, parks … and firms
        not yet placed) — not those only on other offices' chains; a service specialist the enterprises it
        is a current instructor of (党建指导员, coordination); nobody else. Staff only within their region
        subtree (core.in_region). See delete_scope for deleting."""
        if action == "view":
            return in_region(None, user, "district") if user.role in STAFF_ROLES else Q(pk=user.organization_id)
        return editable_organizations(user)

    @classmethod
    def may_create(cls, user):
        """Adding organisations (a form, the API, a workbook): an admin or a chain office (core.can_create)."""
        return user.role in (Role.ADMIN, Role.OFFICE)

    @classmethod
    def delete_scope(cls, user):
        """Deleting (core.services.delete_record, after the change scope): an admin, or a chain office's
        staff what it may change; a specialist changes its enterprises but deletes none. A delete is
        refused anyway while other records use the organisation."""
        return None if user.role == Role.OFFICE else NOTHING


def editable_organizations(user):
    """Q over Organization of what user may change (Organization.scope), within the user's region; None means all."""
    return in_region(_editable_organizations(user), user, "district")


def _editable_organizations(user):
    if user.role == Role.OFFICE:
        # Subqueries, not joins: an organisation on several chains must not come back once per placement.
        on_their_chains = Organization.objects.filter(placements__chain__staff=user).values("pk")
        placed = Organization.objects.filter(placements__isnull=False).values("pk")
        return Q(pk__in=on_their_chains) | ~Q(pk__in=placed)
    if user.role == Role.SPECIALIST:
        today = timezone.localdate()
        served = Organization.objects.filter(
            Q(instructors__user=user, instructors__started_on__lte=today)
            & (Q(instructors__ended_on__isnull=True) | Q(instructors__ended_on__gte=today))
        ).values("pk")
        return Q(kind=OrgKind.ENTERPRISE, pk__in=served)
    return None if user.role in EDITOR_ROLES else NOTHING


def _through_editable(user, field):
    """Q of records whose organisation (through field) user may change; None means all."""
    q = editable_organizations(user)
    return q if q is None or q == NOTHING else Q(**{f"{field}__in": Organization.objects.filter(q).values("pk")})


class Product(Searchable, ScopedModel, TimeStampedModel):
    """A product or pipeline candidate of an enterprise — 产品/管线. Changed only through
    registry.services.save_product (the page, the API) and the organisation workbook's products sheet."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=ProductKind.choices, default=ProductKind.DRUG)
    indication = models.CharField(_("indication"), max_length=200, blank=True)
    drug_class = models.CharField(_("registration class"), max_length=8, choices=DrugClass.choices, blank=True)
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices, blank=True, db_index=True)
    expedited = models.JSONField(
        _("expedited programmes"), default=list, blank=True,
        help_text=_("NMPA programmes: breakthrough, conditional, priority, special."),
    )
    approval_type = models.CharField(_("approval type"), max_length=16, choices=ApprovalType.choices, blank=True,
                                     help_text=_("The approval the approval date is of."))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    search_fields = ("name",)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["organization", "name"]

    @property
    def profile_of(self):
        return self.organization

    def __str__(self):
        return self.name

    def clean(self):
        bad = [p for p in self.expedited or [] if p not in Expedited.values]
        if bad:
            raise ValidationError({"expedited": _("Unknown expedited programme: %s") % ", ".join(map(str, bad))})
        self.approval_type = self.approval_type or self.implied_approval_type(self.phase, self.approved_on)
        if self.approved_on and not self.approval_type:
            raise ValidationError({"approved_on": _("Only an approved product has an approval date, unless its "
                                                    "approval type is a clinical-trial approval.")})
        if self.approval_type == ApprovalType.MARKETING and self.phase and self.phase != Phase.APPROVED:
            raise ValidationError({"approval_type": _("Only an approved product has a marketing approval.")})
        if self.approval_type == ApprovalType.CLINICAL_TRIAL and self.phase in (Phase.PRECLINICAL, Phase.APPROVED):
            raise ValidationError({"approval_type": _("A clinical-trial approval is for a product in clinical "
                                                      "trials (phase I to NDA filed).")})

    @staticmethod
    def implied_approval_type(phase, approved_on):
        """The approval type of a date given without one: an approved product's (or one whose phase is not
        filled in) is its marketing approval — what the date meant before the type was kept."""
        return ApprovalType.MARKETING if approved_on and phase in (Phase.APPROVED, "") else ""

    @classmethod
    def scope(cls, user, action):
        """Seen with its organisation; added and changed by who may change the organisation (Organization.scope):
        one rule for the page, the API and the workbook."""
        if action == "view":
            q = Organization.scope(user, "view")
            return None if q is None else Q(organization__in=Organization.objects.filter(q).values("pk"))
        return _through_editable(user, "organization")

    def expedited_labels(self):
        return [Expedited(p).label for p in self.expedited or [] if p in Expedited.values]


class Person(Searchable, ScopedModel, TimeStampedModel):
    """A contact person — 联系人 — of an organisation."""

    name = models.CharField(_("full name"), max_length=60)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="people"
    )
    title = models.CharField(_("job title"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    search_fields = ("name", "title")

    history = HistoricalRecords(excluded_fields=["search_text", "updated"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:person", args=[self.pk])

    @classmethod
    def scope(cls, user, action):
        if action == "view":
            if user.role in STAFF_ROLES:
                return in_region(None, user, "organization__district")
            return Q(organization_id=user.organization_id)
        return _through_editable(user, "organization")


class Relationship(ScopedModel, TimeStampedModel):
    """A typed, directional, dated relationship between two organisations — 关系."""

    source = models.ForeignKey(
        Organization, verbose_name=_("from organisation"), on_delete=models.CASCADE, related_name="relations_out"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RelationKind.choices)
    target = models.ForeignKey(
        Organization, verbose_name=_("to organisation"), on_delete=models.CASCADE, related_name="relations_in"
    )
    started_on = models.DateField(_("from date"), null=True, blank=True)
    ended_on = models.DateField(_("to date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="relationship_not_self",
                violation_error_message=_("An organisation cannot have a relationship with itself."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="relationship_dates_ordered",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.UniqueConstraint(
                fields=["source", "kind", "target", "started_on"],
                name="relationship_unique",
                violation_error_message=_("This relationship is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.get_kind_display()} {self.target}"

    def inverse_label(self):
        return RELATION_INVERSE[RelationKind(self.kind)]

    @classmethod
    def scope(cls, user, action):
        if action == "view":
            if user.role in STAFF_ROLES:
                # Seen from either end: a firm of the region and its supplier elsewhere.
                source = region_q(user, "source__district")
                return None if source is None else source | region_q(user, "target__district")
            return Q(source_id=user.organization_id) | Q(target_id=user.organization_id)
        return _through_editable(user, "source")


class CorrectionRequest(ScopedModel):
    """An enterprise's request to correct one field of its file — 信息更正申请 — which a chain office approves
    (the change is saved as the office's, into the organisation's history) or refuses with a reason.
    Changed only through registry.services (request_correction, approve_correction, refuse_correction)."""

    organization = models.ForeignKey(Organization, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="corrections")
    field = models.CharField(_("field"), max_length=20, choices=[(f, f) for f in CORRECTABLE_FIELDS])
    # What the people read (labels, names) and what the service compares and applies (values, ids).
    current_value = models.TextField(_("current value"), blank=True)
    proposed_value = models.TextField(_("proposed value"), blank=True)
    current_key = models.TextField(editable=False, blank=True)
    proposed_key = models.TextField(editable=False, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=CorrectionStatus.choices,
                              default=CorrectionStatus.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "field"], condition=Q(status=CorrectionStatus.PENDING),
                name="correction_one_pending_per_field",
                violation_error_message=_("A correction of this field is already waiting for the chain office."),
            ),
            models.CheckConstraint(
                condition=~Q(status=CorrectionStatus.REFUSED) | ~Q(refusal_reason=""),
                name="correction_refusal_has_reason",
                violation_error_message=_("A refusal needs its reason."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} · {self.field_label}"

    def get_absolute_url(self):
        return reverse("registry:correction", args=[self.pk])

    @property
    def field_label(self):
        return Organization._meta.get_field(self.field).verbose_name

    @classmethod
    def scope(cls, user, action):
        """The enterprise sees its own requests; a chain office sees and decides those of the organisations it
        may change (Organization.scope), a specialist sees those of its enterprises; nobody else."""
        if user.role == Role.ENTERPRISE:
            return Q(organization_id=user.organization_id) if action == "view" and user.organization_id else NOTHING
        if user.role == Role.OFFICE or (user.role == Role.SPECIALIST and action == "view"):
            return _through_editable(user, "organization")
        return NOTHING


def new_token():
    return uuid.uuid4().hex


class RegistryStamp(models.Model):
    """The registry's stamp — 主体库版本标记: a token drawn afresh whenever organisations' profiles change
    (core.profiles → services.registry_changed). What is computed from the registry is cached under the newest
    token (reports' enterprise counts, matching's rule cost), so a change ends its use in every process at once,
    whatever the cache. Rows are only added, never updated
    (no row lock for writers to queue on), and the old ones dropped."""

    token = models.CharField(_("token"), max_length=32, default=new_token)

    class Meta:
        verbose_name = _("registry stamp")
        verbose_name_plural = _("registry stamps")

    def __str__(self):
        return self.token

    @classmethod
    def current(cls):
        """The newest token (one is drawn when there is none yet)."""
        return cls.objects.order_by("-pk").values_list("token", flat=True).first() or cls.objects.create().token
