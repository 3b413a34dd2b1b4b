"""Columns of the coordination app's list pages."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from chainserve.core.tables import Column, Table


def _when(dt):
    return date_format(timezone.localtime(dt), "Y-m-d H:i") if dt else ""


class CommitteeTable(Table):
    title = _("Coordination committees")
    export_name = "committees"
    columns = [
        Column("name", _("Name"), order_by="name", link=True),
        Column("chain", _("Chain"), accessor=lambda c: c.chain, order_by="chain__name"),
        Column("level", _("Level"), order_by="level"),
        Column("convener", _("Convener"), accessor=lambda c: c.convener or ""),
    ]


class MeetingTable(Table):
    title = _("Joint meetings")
    export_name = "meetings"
    default_sort = "-starts_at"
    columns = [
        Column("title", _("Title"), order_by="title", link=True),
        Column("starts_at", _("Starts at"), accessor=lambda m: _when(m.starts_at), order_by="starts_at"),
        Column("committee", _("Committee"), accessor=lambda m: m.committee, order_by="committee__name"),
        Column("location", _("Location")),
        Column("status", _("Status"), order_by="status"),
    ]


class ActionItemTable(Table):
    title = _("Action items")
    export_name = "action-items"
    default_sort = "due_on"
    columns = [
        Column("decision", _("Decision"), accessor=lambda a: a.decision, link=True),
        Column("owner", _("Owner department"), accessor=lambda a: a.owner, order_by="owner__name"),
        Column("due_on", _("Due on"), order_by="due_on"),
        Column("status", _("Status"), order_by="status"),
        Column("meeting", _("Meeting"), accessor=lambda a: a.meeting, order_by="meeting__starts_at"),
    ]


class ActivityTable(Table):
    title = _("Activities")
    export_name = "activities"
    default_sort = "-starts_at"
    columns = [
        Column("title", _("Title"), order_by="title", link=True),
        Column("kind", _("Kind"), order_by="kind"),
        Column("starts_at", _("Starts at"), accessor=lambda a: _when(a.starts_at), order_by="starts_at"),
        Column("location", _("Location")),
        Column("status", _("Status"), order_by="status"),
    ]


class AgreementTable(Table):
    title = _("Agreements")
    export_name = "agreements"
    default_sort = "-signed_on"
    columns = [
        Column("title", _("Title"), order_by="title", link=True),
        Column("kind", _("Kind"), order_by="kind"),
        Column("institution", _("Institution"), accessor=lambda a: a.institution, order_by="institution__name"),
        Column("enterprise", _("Enterprise"), accessor=lambda a: a.enterprise, order_by="enterprise__name"),
        Column("amount", _("Amount"), accessor=lambda a: a.amount_display, order_by="amount_fen"),
        Column("signed_on", _("Signed on"), order_by="signed_on"),
    ]


class VisitTable(Table):
    title = _("Visits")
    export_name = "visits"
    default_sort = "-visited_on"
    columns = [
        Column("organization", _("Enterprise"), accessor=lambda v: v.organization, order_by="organization__name",
               link=True),
        Column("visited_on", _("Visited on"), order_by="visited_on"),
        Column("visitor", _("Visited by"), accessor=lambda v: (v.visitor.get_full_name() or v.visitor.username)
               if v.visitor else ""),
        Column("purpose", _("Purpose")),
    ]
