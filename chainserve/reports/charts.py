"""Charts drawn on the server as SVG, for the PDF bulletin (WeasyPrint renders SVG; no browser, no JS)."""

from django.utils.html import escape

WIDTH, BAR_H, GAP, LEFT, RIGHT = 640, 18, 8, 170, 60
COLOURS = ["#b71c1c", "#e57373", "#9e9e9e"]


def hbar(title, rows):
    """A horizontal bar chart of [(label, value)]; bars scaled to the largest value."""
    top = max((v for _label, v in rows), default=0) or 1
    height = 30 + len(rows) * (BAR_H + GAP)
    span = WIDTH - LEFT - RIGHT
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" class="chart">',
             f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(rows):
        y = 28 + i * (BAR_H + GAP)
        w = round(span * (value or 0) / top, 1)
        parts.append(f'<text x="{LEFT - 6}" y="{y + 13}" font-size="11" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{LEFT}" y="{y}" width="{w}" height="{BAR_H}" fill="{COLOURS[0]}"/>')
        parts.append(f'<text x="{LEFT + w + 4}" y="{y + 13}" font-size="11">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def columns(title, labels, series):
    """A column chart of several series [(name, [values])] over labels (e.g. months)."""
    height, base, top_pad = 220, 180, 40
    top = max((v or 0 for _n, values in series for v in values), default=0) or 1
    slot = (WIDTH - 40) / max(len(labels), 1)
    bar = max(2, slot / (len(series) + 1))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" class="chart">',
             f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for s, (name, _values) in enumerate(series):
        parts.append(f'<rect x="{300 + s * 120}" y="6" width="10" height="10" fill="{COLOURS[s % 3]}"/>'
                     f'<text x="{314 + s * 120}" y="15" font-size="11">{escape(name)}</text>')
    parts.append(f'<line x1="30" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#616161"/>')
    for i, label in enumerate(labels):
        x0 = 36 + i * slot
        for s, (_name, values) in enumerate(series):
            v = values[i] or 0
            h = round((base - top_pad) * v / top, 1)
            parts.append(f'<rect x="{x0 + s * bar:.1f}" y="{base - h}" width="{bar:.1f}" height="{h}" '
                         f'fill="{COLOURS[s % 3]}"/>')
        parts.append(f'<text x="{x0 + slot / 2 - 10:.1f}" y="{base + 14}" font-size="9">{escape(label[-2:])}</text>')
    parts.append(f'<text x="0" y="{top_pad}" font-size="9">{top}</text></svg>')
    return "".join(parts)
