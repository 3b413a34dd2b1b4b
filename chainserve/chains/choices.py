"""Choices of the chains app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChainLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
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


class LeadStage(models.TextChoices):
    """Where an investment lead stands — 招商线索阶段."""

    FOUND = "found", _("Found")
    CONTACTED = "contacted", _("Contacted")
    VISITED = "visited", _("Visited")
    SIGNED = "signed", _("Intention signed")
    LANDED = "landed", _("Landed")
    DROPPED = "dropped", _("Dropped")


# The stages a lead may move to from each stage: one step forward, or dropped while not landed.
LEAD_TRANSITIONS = {
    LeadStage.FOUND: (LeadStage.CONTACTED, LeadStage.DROPPED),
    LeadStage.CONTACTED: (LeadStage.VISITED, LeadStage.DROPPED),
    LeadStage.VISITED: (LeadStage.SIGNED, LeadStage.DROPPED),
    LeadStage.SIGNED: (LeadStage.LANDED, LeadStage.DROPPED),
    LeadStage.LANDED: (),
    LeadStage.DROPPED: (),
}
OPEN_LEAD_STAGES = (LeadStage.FOUND, LeadStage.CONTACTED, LeadStage.VISITED, LeadStage.SIGNED)
