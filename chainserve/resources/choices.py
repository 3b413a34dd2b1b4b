"""Choices of the resource catalogue: publication status and the kinds of items."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Provincial")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class ProductKind(models.TextChoices):
    CREDIT = "credit", _("Credit loan")
    IP_PLEDGE = "ip_pledge", _("IP pledge loan")
    GUARANTEE = "guarantee", _("Guaranteed loan")
    EQUITY = "equity", _("Equity investment")
    INSURANCE = "insurance", _("Insurance")
    LEASING = "leasing", _("Financial leasing")


class SpaceKind(models.TextChoices):
    OFFICE = "office", _("Office")
    LAB = "lab", _("Laboratory")
    GMP = "gmp", _("GMP plant")
    PLANT = "plant", _("Standard plant")
    WAREHOUSE = "warehouse", _("Warehouse")


class PlatformKind(models.TextChoices):
    INSTRUMENT = "instrument", _("Instrument")
    LAB = "lab", _("Shared laboratory")
    BIOBANK = "biobank", _("Biobank")
    CLINICAL_DATA = "clinical_data", _("Clinical research data")
    GCP_SITE = "gcp_site", _("GCP site")
    ETHICS = "ethics", _("Ethics committee")
    PILOT = "pilot", _("Pilot production / CDMO")


class TransferMode(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    LICENCE = "licence", _("Licence")
    COOPERATION = "cooperation", _("Joint development")
    EQUITY = "equity", _("Investment as equity")


class ApplicationState(models.TextChoices):
    """Where a policy application — 政策申报 — stands on its road to payment (兑现)."""

    SUBMITTED = "submitted", pgettext_lazy("policy application", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("policy application", "Under review")
    RETURNED = "returned", pgettext_lazy("policy application", "Returned for more")
    APPROVED = "approved", pgettext_lazy("policy application", "Approved")
    REFUSED = "refused", pgettext_lazy("policy application", "Refused")
    PUBLICISED = "publicised", pgettext_lazy("policy application", "Publicised")
    PAID = "paid", pgettext_lazy("policy application", "Paid")
    RECEIVED = "received", pgettext_lazy("policy application", "Received")


# The department still has to decide on an application in these states (its review queue).
REVIEW_STATES = (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW)
# An enterprise has at most one application per policy that is not refused.
CLOSED_STATES = (ApplicationState.REFUSED,)


class ApplicationStep(models.TextChoices):
    """One step of an application's life, as its events record it."""

    APPLY = "apply", pgettext_lazy("application step", "Applied")
    GRANT = "grant", pgettext_lazy("application step", "Granted without application")
    START_REVIEW = "start_review", pgettext_lazy("application step", "Review started")
    RETURN = "return", pgettext_lazy("application step", "Returned for more")
    ANSWER = "answer", pgettext_lazy("application step", "Answered")
    APPROVE = "approve", pgettext_lazy("application step", "Approved")
    REFUSE = "refuse", pgettext_lazy("application step", "Refused")
    PUBLICISE = "publicise", pgettext_lazy("application step", "Publicised")
    OBJECTION = "objection", pgettext_lazy("application step", "Objection recorded")
    PAY = "pay", pgettext_lazy("application step", "Payment recorded")
    RECEIVE = "receive", pgettext_lazy("application step", "Receipt confirmed")
    REMIND = "remind", pgettext_lazy("application step", "Reminded")
    ESCALATE = "escalate", pgettext_lazy("application step", "Escalated: payment overdue")


class DocumentKind(models.TextChoices):
    DOCUMENT = "document", _("Supporting document")
    VOUCHER = "voucher", _("Payment voucher")
