"""Columns of the coordination app's list pages."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chainserve.core.tables import Column, Table

from .choices import ItemStatus
from .services import format_milestones


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
        Column("status", _("Status"), order_by="status"),
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


def _dates(obj):
    return f"{obj.started_on} – {obj.ended_on or ''}".strip()


class AllianceTable(Table):
    title = _("Alliances")
    export_name = "alliances"
    columns = [
        Column("name", _("Name"), order_by="name", link=True),
        Column("chain", _("Chain"), accessor=lambda a: a.chain, order_by="chain__name"),
        Column("founded_on", _("Founded on"), order_by="founded_on"),
    ]


class MemberTable(Table):
    """Member units of committees or alliances, current and former; exported from the committee's or alliance's
    page (?committee= / ?alliance= and export=xlsx)."""

    title = _("Member units")
    default_sort = "organization__name"
    parent_label = ""

    def __init__(self):
        self.columns = [
            Column("parent", self.parent_label, accessor=lambda m: getattr(m, m.parent_field),
                   order_by=f"{self.parent_field}__name"),
            Column("organization", _("Organisation"), accessor=lambda m: m.organization, order_by="organization__name"),
            Column("uscc", _("Unified social credit code"), accessor=lambda m: m.organization.uscc or ""),
            Column("role", _("Role"), order_by="role"),
            *self.extra_columns,
            Column("started_on", _("From date"), order_by="started_on", nowrap=True),
            Column("ended_on", _("To date"), accessor=lambda m: m.ended_on or "", order_by="ended_on", nowrap=True),
        ]

    extra_columns = ()


class CommitteeMemberTable(MemberTable):
    title = _("Committee member units")
    export_name = "committee-members"
    parent_field, parent_label = "committee", _("Committee")
    extra_columns = (Column("person", _("Representative"), accessor=lambda m: m.person or ""),)


class AllianceMemberTable(MemberTable):
    title = _("Alliance member units")
    export_name = "alliance-members"
    parent_field, parent_label = "alliance", _("Alliance")


class PairingTable(Table):
    title = _("Pairings")
    export_name = "pairings"
    default_sort = "-started_on"
    columns = [
        Column("agency_branch", _("Agency party branch"), accessor=lambda p: p.agency_branch, link=True,
               order_by="agency_branch__name"),
        Column("enterprise", _("Enterprise"), accessor=lambda p: p.enterprise, order_by="enterprise__name"),
        Column("enterprise_branch", _("Enterprise party branch"), order_by="enterprise_branch"),
        Column("dates", pgettext_lazy("from and to dates of a record", "Dates"), accessor=_dates, order_by="started_on"),
    ]


class InstructorTable(Table):
    title = _("Instructors")
    export_name = "instructors"
    default_sort = "-started_on"
    columns = [
        Column("instructor", _("Instructor"), accessor=lambda i: i.person or i.user, link=True),
        Column("kind", _("Kind"), order_by="kind"),
        Column("enterprise", _("Enterprise"), accessor=lambda i: i.enterprise, order_by="enterprise__name"),
        Column("dates", pgettext_lazy("from and to dates of a record", "Dates"), accessor=_dates, order_by="started_on"),
    ]


class CoverageTable(Table):
    title = _("Coverages")
    export_name = "coverages"
    default_sort = "enterprise__name"
    columns = [
        Column("enterprise", _("Enterprise"), accessor=lambda c: c.enterprise, order_by="enterprise__name",
               link=True),
        Column("kind", _("Kind"), order_by="kind"),
        Column("started_on", _("Set up on"), order_by="started_on"),
        Column("ended_on", _("Ended on"), order_by="ended_on"),
    ]


class AnnualListTable(Table):
    title = _("Annual lists")
    export_name = "annual-lists"
    default_sort = "-year"
    columns = [
        Column("title", _("Title"), order_by="title", link=True),
        Column("year", _("Year"), order_by="year"),
        Column("kind", _("Kind"), order_by="kind"),
        Column("chain", _("Chain"), accessor=lambda a: a.chain, order_by="chain__name"),
    ]


class ListItemTable(Table):
    """The items of lists; its export has the import's columns, so an exported list imports back."""

    title = _("List items")
    export_name = "list-items"
    default_sort = "code"
    columns = [
        Column("code", _("Number"), order_by="code"),
        Column("parent", _("Parent number"), accessor=lambda i: i.parent.code if i.parent else ""),
        Column("title", _("Title"), order_by="title", link=True),
        Column("owner", _("Owner department"), accessor=lambda i: i.owner.name, order_by="owner__name"),
        Column("weight", _("Weight"), order_by="weight"),
        Column("target", _("Target")),
        Column("milestones", _("Milestones"), accessor=lambda i: format_milestones(i.milestones.all())),
        Column("progress", _("Progress (%)"), order_by="progress"),
        Column("status", _("Status"), order_by="status", accessor=lambda i: ItemStatus.DELAYED.label
               if getattr(i, "behind", False) else i.get_status_display()),
    ]
