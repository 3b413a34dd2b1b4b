"""Columns of the catalogue's list pages and exports."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from chainserve.core.money import format_amount, format_yuan
from chainserve.core.tables import Column, Table
from chainserve.core.workdays import current_calendar, working_days_between

from .choices import REVIEW_STATES


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


SOON_DAYS = 1  # amber within this many working days, as the demand lists (demands.countdown)


class ReviewCountdown(SafeString):
    """Working days the department has left to decide — the demand lists' badge (「剩2个工作日」「今天到期」
    「超期3个工作日」, amber at SOON_DAYS); `plain` for exports. Empty once the application is decided or while it
    is back with the enterprise."""

    def __new__(cls, application, today=None, calendar=None):
        tone, text = "", ""
        due = application.review_due
        if application.state in REVIEW_STATES and due is not None:
            today = today or timezone.localdate()
            calendar = calendar or current_calendar()
            if due < today:
                n = working_days_between(due, today, calendar)
                tone = "overdue"
                text = ngettext("%(n)d working day overdue", "%(n)d working days overdue", n) % {"n": n} if n \
                    else gettext("overdue")
            else:
                n = working_days_between(today, due, calendar)
                tone = "soon" if n <= SOON_DAYS else "ok"
                text = ngettext("%(n)d working day left", "%(n)d working days left", n) % {"n": n} if n \
                    else gettext("due today")
        html = format_html('<span class="countdown countdown-{}">{}</span>', tone, text) if text else ""
        self = super().__new__(cls, html)
        self.tone, self.plain = tone, text
        return self


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
        Column("review_due", _("Working days left"), accessor=ReviewCountdown, order_by="review_due", nowrap=True),
        Column("amount_applied", _("Amount applied for"), accessor=lambda a: format_amount(a.amount_applied)),
        Column("amount_approved", _("Amount approved"), accessor=lambda a: format_amount(a.amount_approved)),
        Column("amount_paid", _("Amount paid"), accessor=lambda a: format_amount(a.amount_paid)),
    ]

    def export_rows(self, queryset):
        for row in super().export_rows(queryset):
            yield [v.plain if isinstance(v, ReviewCountdown) else v for v in row]
