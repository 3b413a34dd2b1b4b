"""Columns of the demands app's list pages."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from chainserve.core.tables import Column, Table

from .countdown import Countdown
from .deadlines import Deadline


def _when(value):
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


class DemandTable(Table):
    title = _("Demands")
    export_name = "demands"
    default_sort = "-created"
    columns = [
        Column("number", _("Number"), order_by="number", link=True),
        Column("days_left", _("Working days left"), accessor=Countdown, order_by="resolve_due", nowrap=True),
        Column("title", _("Title"), order_by="title", link=True),
        Column("organization", _("Enterprise"), accessor=lambda d: d.organization, order_by="organization__name"),
        Column("district", _("Region"), accessor=lambda d: d.district.name if d.district else "",
               order_by="district__path"),
        Column("category", _("Category"), accessor=lambda d: d.category, order_by="category__position"),
        Column("channel", _("Channel")),
        Column("status", _("Status"), order_by="status"),
        Column("lead_department", _("Lead department"), accessor=lambda d: d.lead_department or ""),
        Column("resolve_due", _("Resolve by"), accessor=lambda d: Deadline(d.resolve_due, d.created, fmt="Y-m-d H:i"),
               order_by="resolve_due"),
        Column("created", _("Received"), accessor=lambda d: _when(d.created), order_by="created"),
    ]

    def export_rows(self, queryset):
        # A deadline or countdown cell is HTML with its badge; the spreadsheet gets its text.
        for row in super().export_rows(queryset):
            yield [v.plain if isinstance(v, (Deadline, Countdown)) else v for v in row]


class Pick(SafeString):
    """A queue row's tick box for the bulk dispatch, with the version the row shows (the HTML itself, as
    Deadline is); `plain`, for an export, is empty."""

    plain = ""

    def __new__(cls, demand):
        return super().__new__(cls, format_html(
            '<input class="form-check-input" type="checkbox" form="bulk-dispatch" name="demand" value="{pk}" '
            'aria-label="{label}"><input type="hidden" form="bulk-dispatch" name="version-{pk}" value="{v}">',
            pk=demand.pk, v=demand.version, label=_("Select %(n)s") % {"n": demand.number}))


class QueueTable(DemandTable):
    """The dispatch queue: the demands' columns after a tick box for dispatching several at once."""

    columns = [Column("pick", _("Select"), accessor=Pick), *DemandTable.columns]

    def export_rows(self, queryset):
        for row in super().export_rows(queryset):
            yield [v.plain if isinstance(v, Pick) else v for v in row]
