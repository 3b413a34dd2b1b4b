"""Choices of the resource catalogue: publication status and the kinds of items."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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

    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    RETURNED = "returned", _("Returned for more")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    PUBLICISED = "publicised", _("Publicised")
    PAID = "paid", _("Paid")
    RECEIVED = "received", _("Received")


# The department still has to decide on an application in these states (its review queue).
REVIEW_STATES = (ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW)
# An enterprise has at most one application per policy that is not refused.
CLOSED_STATES = (ApplicationState.REFUSED,)


class ApplicationStep(models.TextChoices):
    """One step of an application's life, as its events record it."""

    APPLY = "apply", _("Applied")
    GRANT = "grant", _("Granted without application")
    START_REVIEW = "start_review", _("Review started")
    RETURN = "return", _("Returned for more")
    ANSWER = "answer", _("Answered")
    APPROVE = "approve", _("Approved")
    REFUSE = "refuse", _("Refused")
    PUBLICISE = "publicise", _("Publicised")
    PAY = "pay", _("Payment recorded")
    RECEIVE = "receive", _("Receipt confirmed")
    REMIND = "remind", _("Reminded")


class DocumentKind(models.TextChoices):
    DOCUMENT = "document", _("Supporting document")
    VOUCHER = "voucher", _("Payment voucher")
