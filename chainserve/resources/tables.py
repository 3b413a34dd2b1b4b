"""Columns of the catalogue's list pages and exports."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from chainserve.core.money import format_amount, format_yuan
from chainserve.core.tables import Column, Table


def amount_range(low, high):
    if low is None and high is None:
        return ""
    return f"{format_yuan(low) or '0'} – {format_yuan(high) or '…'}"


def _published(item):
    return date_format(timezone.localtime(item.published_at), "Y-m-d") if item.published_at else ""


def _owner(label, field):
    return Column(field, label, accessor=lambda o: getattr(o, field), order_by=f"{field}__name")


TITLE = Column("title", _("Title"), order_by="title", link=True)
STATUS = Column("status", _("Status"), order_by="status")
PUBLISHED = Column("published_at", _("Published"), accessor=_published, order_by="published_at")
TAGS = Column("tags", _("Tags"), accessor=lambda o: "、".join(o.tag_names()))


class CatalogueTable(Table):
    default_sort = "-published_at"


class PolicyTable(CatalogueTable):
    title = _("Policies")
    export_name = "policies"
    columns = [
        TITLE,
        _owner(_("Issuer"), "issuer"),
        Column("document_number", _("Document number"), order_by="document_number"),
        Column("effective_from", _("Effective from"), order_by="effective_from"),
        Column("effective_to", _("Effective to"), order_by="effective_to"),
        Column("granted_without_application", _("Granted without application"),
               accessor=lambda p: _("Yes") if p.granted_without_application else _("No")),
        TAGS, STATUS, PUBLISHED,
    ]


class FinancialProductTable(CatalogueTable):
    title = _("Financial products")
    export_name = "financial-products"
    columns = [
        TITLE,
        _owner(_("Institution"), "institution"),
        Column("kind", _("Kind"), order_by="kind"),
        Column("amount", _("Amount"), accessor=lambda p: amount_range(p.amount_min, p.amount_max),
               order_by="amount_max"),
        Column("term", _("Term")),
        Column("rate", _("Rate")),
        TAGS, STATUS, PUBLISHED,
    ]


class SpaceTable(CatalogueTable):
    title = _("Spaces")
    export_name = "spaces"
    columns = [
        TITLE,
        _owner(_("Park"), "park"),
        Column("kind", _("Kind"), order_by="kind"),
        Column("area_m2", _("Area (m²)"), order_by="area_m2"),
        Column("rent", _("Rent")),
        Column("available_from", _("Available from"), order_by="available_from"),
        STATUS, PUBLISHED,
    ]


class EquipmentTable(CatalogueTable):
    title = _("Equipment and platforms")
    export_name = "equipment"
    columns = [TITLE, _owner(_("Owner"), "owner"), Column("kind", _("Kind"), order_by="kind"),
               Column("location", _("Location")), TAGS, STATUS, PUBLISHED]


class ExpertTable(CatalogueTable):
    title = _("Experts")
    export_name = "experts"
    columns = [
        Column("title", _("Full name"), order_by="title", link=True),
        _owner(_("Organisation"), "organization"),
        Column("position", _("Professional title")),
        Column("expertise", _("Field of expertise")),
        STATUS, PUBLISHED,
    ]


class TalentProgrammeTable(CatalogueTable):
    title = _("Talent programmes")
    export_name = "talent-programmes"
    columns = [TITLE, _owner(_("Issuer"), "issuer"),
               Column("apply_until", _("Apply until"), order_by="apply_until"), TAGS, STATUS, PUBLISHED]


class AchievementTable(CatalogueTable):
    title = _("Technology achievements")
    export_name = "achievements"
    columns = [TITLE, _owner(_("Owner"), "owner"), Column("technical_field", _("Technical field")),
               Column("transfer_mode", _("Transfer mode"), order_by="transfer_mode"),
               Column("maturity", _("Maturity")), STATUS, PUBLISHED]


def _date(value):
    return value.isoformat() if value else ""


def _working_days_left(application):
    from chainserve.resources.choices import REVIEW_STATES

    if application.state not in REVIEW_STATES or application.review_due is None:
        return ""
    from chainserve.core.workdays import current_calendar, working_days_between

    today = timezone.localdate()
    if application.review_due >= today:
        return working_days_between(today, application.review_due, current_calendar())
    return -working_days_between(application.review_due, today, current_calendar())


class PolicyApplicationTable(Table):
    """我的申报 for an enterprise, the review queue for a department."""

    title = _("Policy applications")
    export_name = "policy-applications"
    default_sort = "-submitted_at"
    columns = [
        Column("enterprise", _("Enterprise"), accessor=lambda a: a.enterprise.name, order_by="enterprise__name",
               link=True),
        Column("policy", _("Policy"), accessor=lambda a: a.policy.title, order_by="policy__title"),
        Column("state", _("State"), order_by="state"),
        Column("submitted_at", _("Submitted"), accessor=lambda a: _date(timezone.localtime(a.submitted_at).date()),
               order_by="submitted_at", nowrap=True),
        Column("review_due", _("Working days left"), accessor=_working_days_left, order_by="review_due"),
        Column("amount_applied", _("Amount applied for"), accessor=lambda a: format_amount(a.amount_applied)),
        Column("amount_approved", _("Amount approved"), accessor=lambda a: format_amount(a.amount_approved)),
        Column("amount_paid", _("Amount paid"), accessor=lambda a: format_amount(a.amount_paid)),
    ]
