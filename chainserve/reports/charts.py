"""The charts of a bulletin: their data, taken from the figures when the bulletin is computed (and frozen with
them when it is published), and drawn on the server as SVG for the page and the PDF (WeasyPrint renders SVG;
no browser, no JS)."""

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chainserve.demands import metrics

from .figures import FIGURES, demand_filters

WIDTH, BAR_H, GAP, LEFT, RIGHT = 640, 18, 8, 170, 60
COLOURS = ["#b71c1c", "#e57373", "#9e9e9e"]
FONT = 'font-family="Noto Sans CJK SC, Noto Sans SC, sans-serif"'


def chart_data(report):
    """[{kind, title, …}] of the report: demands received and resolved by month (a period of two months or
    more), demands by category and activities by kind (those with none left out); a chart with nothing to
    show is left out."""
    out = []
    months = report.period.months()
    if len(months) > 1:
        totals = [metrics.totals(**demand_filters(m, report.scope)) for m in months]
        if any(t.received for t in totals):
            out.append({"kind": "columns", "title": _("Demands received and resolved, by month"),
                        "labels": [date_format(m.start, pgettext("chart month", "M")) for m in months],
                        "series": [[str(FIGURES["demands_received"].label), [t.received for t in totals]],
                                   [str(FIGURES["demands_resolved"].label), [t.resolved for t in totals]]]})
    values = {v.figure.key: v for v in report.values}
    for key, title in (("demands_received_by_category", _("Demands received by category")),
                       ("activities_by_kind", _("Joint activities by kind"))):
        rows = sorted(([str(label), n] for _k, label, n in values[key].items if n), key=lambda r: -r[1]) \
            if key in values else []
        if rows:
            out.append({"kind": "hbar", "title": title, "rows": rows})
    return out


def render(chart):
    """The SVG of one chart of chart_data."""
    if chart["kind"] == "columns":
        return columns(chart["title"], chart["labels"], chart["series"])
    return hbar(chart["title"], chart["rows"])


def _svg(height):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" class="chart" role="img" {FONT}>')


def hbar(title, rows):
    """A horizontal bar chart of [(label, value)]; bars scaled to the largest value."""
    top = max((v for _label, v in rows), default=0) or 1
    height = 34 + len(rows) * (BAR_H + GAP)
    span = WIDTH - LEFT - RIGHT
    parts = [_svg(height), f'<title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(rows):
        y = 30 + i * (BAR_H + GAP)
        w = round(span * (value or 0) / top, 1)
        parts.append(f'<text x="{LEFT - 8}" y="{y + 13}" font-size="11" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{LEFT}" y="{y}" width="{w}" height="{BAR_H}" fill="{COLOURS[0]}"/>')
        parts.append(f'<text x="{LEFT + w + 4}" y="{y + 13}" font-size="11">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def columns(title, labels, series):
    """A column chart of several series [(name, [values])] over labels (e.g. months), each column with its value."""
    height, base, top_pad, left = 240, 200, 48, 8
    top = max((v or 0 for _n, values in series for v in values), default=0) or 1
    slot = (WIDTH - left) / max(len(labels), 1)
    bar = max(2.0, (slot - 8) / max(len(series), 1))
    parts = [_svg(height), f'<title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for s, (name, _values) in enumerate(series):
        x = WIDTH - 130 * (len(series) - s)
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{COLOURS[s % 3]}"/>'
                     f'<text x="{x + 14}" y="15" font-size="11">{escape(name)}</text>')
    parts.append(f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#616161"/>')
    for i, label in enumerate(labels):
        x0 = left + i * slot + 4
        for s, (_name, values) in enumerate(series):
            v = values[i] or 0
            h = round((base - top_pad) * v / top, 1)
            x = x0 + s * bar
            parts.append(f'<rect x="{x:.1f}" y="{base - h}" width="{bar - 1:.1f}" height="{h}" '
                         f'fill="{COLOURS[s % 3]}"/>')
            if v:
                parts.append(f'<text x="{x + (bar - 1) / 2:.1f}" y="{base - h - 3}" font-size="9" '
                             f'text-anchor="middle">{v}</text>')
        parts.append(f'<text x="{x0 + (slot - 8) / 2:.1f}" y="{base + 15}" font-size="10" '
                     f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
