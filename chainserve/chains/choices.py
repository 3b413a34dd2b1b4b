"""Choices of the chains app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChainLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")


class Stage(models.TextChoices):
    UPSTREAM = "upstream", _("Upstream")
    MIDSTREAM = "midstream", _("Midstream")
    DOWNSTREAM = "downstream", _("Downstream")


class PlacementRole(models.TextChoices):
    CHAIN_OWNER = "owner", _("Chain owner (链主)")
    BACKBONE = "backbone", _("Backbone")
    SUPPORTING = "supporting", _("Supporting")
    CARRIER = "carrier", _("Innovation carrier (链创)")


# How much one enterprise in a role adds to a segment's strength on the chain map.
ROLE_WEIGHT = {
    PlacementRole.CHAIN_OWNER: 5,
    PlacementRole.BACKBONE: 3,
    PlacementRole.CARRIER: 2,
    PlacementRole.SUPPORTING: 1,
}
