"""Columns of the chains app's list pages."""

from django.utils.translation import gettext_lazy as _

from chainserve.core.tables import Column, Table


class ChainTable(Table):
    title = _("Chains")
    export_name = "chains"
    columns = [
        Column("name", _("Name"), order_by="name", link=True),
        Column("level", _("Level"), order_by="level"),
        Column("district", _("District"), accessor=lambda c: c.district or ""),
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
