"""Columns of the registry's list pages and exports."""

from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from chainserve.core.tables import Column, Table


class OrganizationTable(Table):
    title = _("Organisations")
    export_name = "organizations"
    default_sort = "name"
    columns = [
        Column("name", _("Name"), order_by="name", link=True),
        Column("kind", _("Kind"), order_by="kind"),
        Column("uscc", _("Unified social credit code"), accessor=lambda o: o.uscc or ""),
        Column("district", _("Region"), accessor=lambda o: o.district or "", order_by="district__path"),
        Column("park", _("Park"), accessor=lambda o: o.park or ""),
        Column("listing_status", _("Listing status"), order_by="listing_status"),
        Column("labels", _("Labels"), accessor=lambda o: "、".join(lab.name for lab in o.labels.all())),
        Column("employees", _("Employees"), order_by="employees"),
        Column("founded_on", _("Founded on"), order_by="founded_on"),
    ]


class PersonTable(Table):
    title = _("People")
    export_name = "people"
    columns = [
        Column("name", _("Full name"), order_by="name", link=True),
        Column("organization", _("Organisation"), accessor=lambda p: p.organization, order_by="organization__name"),
        Column("title", _("Job title"), order_by="title"),
        Column("email", _("E-mail")),
    ]


class StaffPersonTable(PersonTable):
    """Staff also see phone numbers."""

    columns = PersonTable.columns + [Column("phone", _("Phone"))]


class RelationshipTable(Table):
    title = _("Relationships")
    export_name = "relationships"
    default_sort = "-started_on"
    columns = [
        Column("source", _("From organisation"), accessor=lambda r: r.source, order_by="source__name"),
        Column("kind", _("Kind"), order_by="kind"),
        Column("target", _("To organisation"), accessor=lambda r: r.target, order_by="target__name"),
        Column("started_on", _("From date"), order_by="started_on"),
        Column("ended_on", _("To date"), order_by="ended_on"),
        Column("note", _("Note")),
    ]


class ProductTable(Table):
    title = _("Products")
    export_name = "products"
    columns = [
        Column("name", _("Name"), order_by="name"),
        Column("organization", _("Organisation"), accessor=lambda p: p.organization, order_by="organization__name"),
        Column("drug_class", _("Registration class"), order_by="drug_class"),
        Column("phase", _("Phase"), order_by="phase"),
        Column("approved_on", _("Approved on"), accessor=lambda p: p.approved_on or "", order_by="approved_on"),
    ]


class CorrectionRequestTable(Table):
    title = _("Correction requests")
    export_name = "corrections"
    default_sort = "-created"
    columns = [
        Column("organization", _("Organisation"), accessor=lambda c: c.organization, order_by="organization__name",
               link=True),
        Column("field", _("Field"), accessor=lambda c: c.field_label),
        Column("current_value", _("Current value")),
        Column("proposed_value", _("Proposed value")),
        Column("status", _("Status"), order_by="status"),
        Column("created", _("Requested"), accessor=lambda c: localtime(c.created).strftime("%Y-%m-%d %H:%M"),
               order_by="created", nowrap=True),
    ]
