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
