"""A bulletin as a workbook (formulas neutralised by core.exports) and as an A4 PDF with its charts."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from chainserve.core.exports import workbook_bytes

from . import charts
from .figures import FEN, GROUPS, UNIT_LABELS, display, yi
from .services import label_of

PDF_TYPE = "application/pdf"


def _cell(unit, value):
    if value is None:
        return ""
    return Decimal(yi(value)) if unit == FEN else value


def lines(data):
    """[(group, label, shown value, unit key, exact value, note)] of the frozen or computed figures; a
    breakdown gives one line per item."""
    out = []
    for f in data["figures"]:
        group, label, unit = str(GROUPS.get(f["group"], f["group"])), label_of(f), f["unit"]
        if f["items"]:
            for item in f["items"]:
                out.append((group, _("%(figure)s: %(item)s") % {"figure": label, "item": item["label"]},
                            display(unit, item["value"]), unit, item["value"], ""))
        else:
            out.append((group, label, display(unit, f["value"]), unit, f["value"], f["note"]))
    return out


def xlsx_bytes(data, title):
    headers = [_("Group"), _("Figure"), _("Value"), _("Unit"), _("Exact value"), _("Source or note")]
    rows = []
    for group, label, _shown, unit, exact, note in lines(data):
        rows.append([group, label, _cell(unit, exact), str(UNIT_LABELS[unit]), "" if exact is None else exact, note])
    rows.append([])
    rows.append([_("Title"), title])
    rows.append([_("Period"), data["period"]["label"], data["period"]["start"], data["period"]["end"]])
    rows.append([_("Computed at"), data["computed_at"]])
    rows.append([_("Summary"), data["summary"]])
    return workbook_bytes(_("Bulletin"), headers, rows)


def _items(data, key):
    f = next((f for f in data["figures"] if f["key"] == key), None)
    return [(i["label"], i["value"]) for i in f["items"]] if f else []


def pdf_bytes(data, title, bulletin=None):
    """The A4 bulletin; `bulletin`: the published version it is (its number and time go in the header)."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.3 s, only PDF exports need it

    figure_charts = [charts.hbar(_("Demands received by category"), _items(data, "demands_received_by_category")),
                     charts.hbar(_("Activities by kind"), _items(data, "activities_by_kind")),
                     charts.hbar(_("Products in clinical development, by phase"), _items(data, "products_by_phase"))]
    html = render_to_string("reports/bulletin_pdf.html", {
        "title": title, "data": data, "charts": figure_charts, "bulletin": bulletin,
        # an amount is shown whole (68.2亿元): its unit column stays empty
        "lines": [(g, label, shown, "" if unit == FEN else str(UNIT_LABELS[unit]), note)
                  for g, label, shown, unit, _x, note in lines(data)]})
    return HTML(string=html).write_pdf()
