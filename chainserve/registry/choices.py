"""Choices of the registry: organisation kinds, sizes, listing, products, relationships."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    DEPARTMENT = "department", _("Government department")
    PARTY_ORG = "party_org", _("Party organisation")
    PARK = "park", _("Park")
    HOSPITAL = "hospital", _("Hospital")
    FINANCIAL = "financial", _("Bank / investor")
    UNIVERSITY = "university", _("University / institute")
    ASSOCIATION = "association", _("Association")
    FUND = "fund", _("Fund")


class OrgSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class ListingStatus(models.TextChoices):
    NONE = "none", _("Not listed")
    RESERVE = "reserve", _("Reserve-listed")
    LISTED = "listed", _("Listed")


class ProductKind(models.TextChoices):
    DRUG = "drug", _("Drug")
    DEVICE = "device", _("Medical device")
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    OTHER = "other", _("Other")


class DrugClass(models.TextChoices):
    CHEM_1 = "chem1", _("Chemical drug class 1")
    CHEM_2 = "chem2", _("Chemical drug class 2")
    CHEM_3_5 = "chem3", _("Chemical drug class 3–5")
    BIO_1 = "bio1", _("Biological product class 1")
    BIO_2_3 = "bio2", _("Biological product class 2–3")
    TCM_1 = "tcm1", _("TCM class 1")
    TCM_2_4 = "tcm2", _("TCM class 2–4")


class Phase(models.TextChoices):
    PRECLINICAL = "preclinical", _("Preclinical")
    PHASE_1 = "phase1", _("Phase I")
    PHASE_2 = "phase2", _("Phase II")
    PHASE_3 = "phase3", _("Phase III")
    NDA = "nda", _("NDA filed")
    APPROVED = "approved", _("Approved")


class ApprovalType(models.TextChoices):
    """Which approval a product's approval date is of — 批准类型."""

    CLINICAL_TRIAL = "clinical_trial", _("Clinical-trial approval")
    MARKETING = "marketing", _("Marketing approval")


class Expedited(models.TextChoices):
    BREAKTHROUGH = "breakthrough", _("Breakthrough therapy")
    CONDITIONAL = "conditional", _("Conditional approval")
    PRIORITY = "priority", _("Priority review")
    SPECIAL = "special", _("Special approval")


class RelationKind(models.TextChoices):
    """Typed, directional: source → target."""

    SUPPLIES = "supplies", _("supplies")
    COOPERATES = "cooperates", _("cooperates with")
    PAIRED = "paired", _("paired with (1+1)")
    INSTRUCTOR = "instructor", _("instructor of")
    MEMBER = "member", _("member of")
    SUBSIDIARY = "subsidiary", _("subsidiary of")


RELATION_INVERSE = {
    RelationKind.SUPPLIES: _("supplied by"),
    RelationKind.COOPERATES: _("cooperates with"),
    RelationKind.PAIRED: _("paired with (1+1)"),
    RelationKind.INSTRUCTOR: _("instructed by"),
    RelationKind.MEMBER: _("has member"),
    RelationKind.SUBSIDIARY: _("parent of"),
}


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the chain office")
    APPROVED = "approved", pgettext_lazy("correction", "Approved")
    REFUSED = "refused", pgettext_lazy("correction", "Refused")


# The profile fields an enterprise asks to correct (CorrectionRequest): those matching's rules read and the
# contact details on its file. Its name, kind and credit code are its identity, changed by the office only.
CORRECTABLE_FIELDS = ("short_name", "district", "park", "founded_on", "size", "employees", "listing_status",
                      "labels", "address", "website", "description")
