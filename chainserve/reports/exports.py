"""A bulletin as a workbook — its figures with the records behind each (the records page and its filter) and its
text — and as an A4 PDF printed like a 简报: red masthead, 期号, 编发单位 and date, the text, charts and the
figures as the annex. Both read a document.Document; formulas in cells are neutralised by core.exports."""

from decimal import Decimal
from io import BytesIO

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from chainserve.core.exports import safe_cell
from chainserve.demands.proposals import COLUMNS as PROPOSAL_COLUMNS

from .document import CHILD_KEYS, proposal_values
from .figures import FEN, UNIT_LABELS, records_url, yi

PDF_TYPE = "application/pdf"


def _cell(unit, value):
    if value is None:
        return ""
    return Decimal(yi(value)) if unit == FEN else value


def _sheet(wb, title, headers, rows, widths):
    ws = wb.create_sheet(title=title[:31])
    ws.append([safe_cell(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for column, width in zip("ABCDEFGHIJ", widths, strict=False):
        ws.column_dimensions[column].width = width
    return ws


def figure_rows(doc, base_url=""):
    """One row per figure (or item of a breakdown): its value, unit, exact value and source, and the records
    behind it — the page's address and its filter parameters."""
    rows = []
    for line in doc.annex():
        url = records_url(line.key, doc.period, doc.params, line.item)
        rows.append([line.group, line.label, _cell(line.unit, line.exact), str(UNIT_LABELS[line.unit]),
                     "" if line.exact is None else line.exact, line.note, base_url + url, url.partition("?")[2]])
    return rows


def text_rows(doc, bulletin=None):
    """The bulletin's text, part by part, as it is printed: [part, text]."""
    period = doc.data["period"]
    rows = [[_("Masthead"), doc.masthead], [_("Issue number"), doc.issue or _("Draft (numbered when published)")],
            [_("Issuing unit"), doc.issuer_name], [_("Date"), date_format(doc.date, "DATE_FORMAT")],
            [_("Title"), doc.title],
            [_("Period"), _("%(period)s (%(start)s to %(end)s)") % {"period": period["label"], "start": period["start"],
                                                                     "end": period["end"]}],
            [_("Lead paragraph"), doc.lead]]
    for e in doc.activity:
        rows.append([_("Work updates: %(part)s") % {"part": e["heading"]}, e["text"]])
        rows += [["", item["text"]] for item in e["items"]]
    rows += [[_("Main results: %(part)s") % {"part": r["heading"]}, r["text"]] for r in doc.results]
    if doc.children:
        rows.append([doc.children["heading"], _("See the sheet “%(sheet)s”.") % {"sheet": _("Regions below")}])
    if doc.proposals:
        rows.append([doc.proposals["heading"], doc.proposals["text"]])
    for n, c in enumerate(doc.cases, 1):
        rows += [[_("Typical case %(n)s") % {"n": n}, c["title"]], ["", c["text"]]]
    rows.append([_("Computed at"), doc.computed_at.strftime("%Y-%m-%d %H:%M")])
    if bulletin is not None:
        rows += [[_("Version"), bulletin.version], [_("Published by"), bulletin.publisher]]
    return rows


def child_sheet_rows(doc):
    """The regions below, one row each, then the total: the name and the exact values (counts, rates as
    percentage numbers; blank where there is none)."""
    children = doc.children
    lines = [(r["name"], r["figures"]) for r in children["rows"]]
    lines.append((pgettext("bulletin table", "Total"), children["total"]))
    return [[name, *("" if values.get(k) is None else values[k] for k in CHILD_KEYS)] for name, values in lines]


def proposal_sheet_rows(doc):
    """The proposals by channel and their total, then by lead unit (under its own head): the values in the
    order of COLUMNS, the on-time rate a percentage number, blank when no answer is due."""
    def values(line):
        return [line["name"], *("" if v is None else v for v in proposal_values(line))]
    found = doc.proposals
    rows = [values(line) for line in [*found["channels"], found["total"]]]
    if found["units"]:
        rows += [[], [_("Lead unit"), *(str(c) for c in PROPOSAL_COLUMNS)], *(values(line) for line in found["units"])]
    return rows


def xlsx_bytes(doc, bulletin=None, base_url=""):
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, _("Figures"), [_("Group"), _("Figure"), _("Value"), _("Unit"), _("Exact value"), _("Source or note"),
                              _("Records"), _("Filter")], figure_rows(doc, base_url), [14, 40, 12, 12, 16, 24, 60, 50])
    text = _sheet(wb, _("Text"), [_("Part"), _("Text")], text_rows(doc, bulletin), [26, 110])
    for row in text.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if doc.children:
        _sheet(wb, _("Regions below"), doc.child_columns(), child_sheet_rows(doc), [24, *([14] * len(CHILD_KEYS))])
    if doc.proposals:
        _sheet(wb, _("Proposals"), doc.proposal_columns(), proposal_sheet_rows(doc),
               [36, *([12] * len(PROPOSAL_COLUMNS))])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def proposals_xlsx(figures):
    """The proposal figures as a workbook: a sheet per lead unit and one per channel, each with its total;
    counts as numbers, the on-time rate as a percentage number (96.5), blank when no answer is due."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, heading, lines in ((_("Lead units"), _("Lead unit"), figures.units),
                                  (_("Channels"), _("Channel"), figures.channels)):
        rows = [[str(line.name), *line.values()] for line in [*lines, figures.total]]
        _sheet(wb, title, [heading, *(str(c) for c in PROPOSAL_COLUMNS)], rows, [36, *([12] * len(PROPOSAL_COLUMNS))])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf_bytes(doc):
    """The A4 bulletin."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.3 s, only PDF exports need it

    return HTML(string=render_to_string("reports/bulletin_pdf.html", {"doc": doc})).write_pdf()
