"""Columns of the chains app's list pages."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from chainserve.core.money import format_yuan
from chainserve.core.tables import Column, Table


class ChainTable(Table):
    title = _("Chains")
    export_name = "chains"
    columns = [
        Column("name", _("Name"), order_by="name", link=True),
        Column("level", _("Level"), order_by="level"),
        Column("region", _("Region"), accessor=lambda c: c.region or ""),
        Column("leader", _("Chain leader"), accessor=lambda c: c.leader or ""),
        Column("office", _("Chain office"), accessor=lambda c: c.office or ""),
    ]


class PlacementTable(Table):
    title = _("Placements")
    export_name = "placements"
    default_sort = "segment__name"
    columns = [
        Column("organization", _("Organisation"), accessor=lambda p: p.organization, order_by="organization__name"),
        Column("chain", _("Chain"), accessor=lambda p: p.chain, order_by="chain__name"),
        Column("segment", _("Segment"), accessor=lambda p: p.segment, order_by="segment__name", link=True),
        Column("role", _("Role"), order_by="role"),
    ]


class CandidateTable(Table):
    title = _("Investment candidates")
    export_name = "candidates"
    columns = [
        Column("name", _("Name"), order_by="name", link=True),
        Column("region", _("Region"), order_by="region"),
        Column("chain", _("Chain"), accessor=lambda c: c.chain, order_by="chain__name"),
        Column("segments", _("Segments it would fill"), accessor=lambda c: "、".join(s.name for s in c.segments.all())),
        Column("size", _("Size"), order_by="size"),
        Column("revenue", _("Annual revenue"), accessor=lambda c: format_yuan(c.revenue), order_by="revenue"),
        Column("products", _("Main products")),
    ]


class LeadTable(Table):
    title = _("Investment leads")
    export_name = "leads"
    default_sort = "-updated"
    columns = [
        Column("candidate", _("Candidate"), accessor=lambda lead: lead.candidate, order_by="candidate__name",
               link=True),
        Column("region", _("Region"), accessor=lambda lead: lead.candidate.region),
        Column("segment", _("Segment"), accessor=lambda lead: lead.segment, order_by="segment__name"),
        Column("stage", _("Stage"), order_by="stage"),
        Column("amount", _("Investment amount"), accessor=lambda lead: format_yuan(lead.amount), order_by="amount"),
        Column("owner", _("Followed by"), accessor=lambda lead: (lead.owner.get_full_name() or lead.owner.username)
               if lead.owner else ""),
        Column("updated", _("Updated"), accessor=lambda lead: date_format(timezone.localtime(lead.updated), "Y-m-d"),
               order_by="updated"),
    ]
