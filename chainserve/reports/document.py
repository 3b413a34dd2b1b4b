"""A bulletin as it reads — the 简报 of one period and scope: masthead, 期号, 编发单位 and date, title, the lead
paragraph, 工作动态, 主要成效, the regions below (各区（县）诉求办理情况), the proposals (建议提案办理情况), 典型案例,
charts, and the figures as the annex (附件).

One Document is what the page, the PDF and the workbook print, whether it is a draft composed now (compose) or a
published version read back (from_bulletin): a bulletin reads the same everywhere."""

import datetime
import json
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from chainserve.demands.proposals import COLUMNS as PROPOSAL_COLUMNS
from chainserve.demands.proposals import percent

from . import cases, charts, rollup, sections
from .figures.base import DAYS, FIGURES, GROUPS, UNIT_LABELS, Period, display, records_url
from .figures.report import compute_all
from .figures.report import lead as lead_paragraph
from .models import issue_label
from .wording import heading_number, sub_number


@dataclass
class Composition:
    """What the office writes or picks: the title, the lead paragraph and the typical cases
    [(ref, title, text)]; anything left blank is generated from the records."""

    title: str = ""
    lead: str = ""
    cases: list = field(default_factory=list)

    @classmethod
    def of(cls, bulletin):
        """What the office wrote for a published version, to start the next one from: its title and cases, and
        its lead paragraph if the office wrote it (one generated then is generated again, from today's figures)."""
        lead = bulletin.summary if bulletin.summary != bulletin.data.get("summary") else ""
        return cls(bulletin.title, lead, [(c["ref"], c["title"], c["text"]) for c in bulletin.cases])


@dataclass
class Document:
    """One bulletin as it reads: its head, text, charts' data and figures (see the module's docstring)."""

    masthead: str
    issue_number: tuple | None  # 期号: (year, number); None for a draft
    issuer_name: str
    date: datetime.date
    title: str
    lead: str
    lead_links: list
    activity: list
    results: list
    cases: list
    data: dict  # the figures as Report.as_dict gives them, with "charts"
    period: Period
    params: dict  # the scope as query parameters, for the links to records
    version: int | None = None
    children: dict | None = None  # the regions below (sections.children), None when there are none
    proposals: dict | None = None  # the proposals (sections.proposals), None when the period has none

    @property
    def draft(self):
        return self.version is None

    @property
    def issue(self):
        """期号 as printed (2026年第5期), in the active language; "" for a draft."""
        return str(issue_label(*self.issue_number)) if self.issue_number else ""

    def _masthead_width(self):
        """The masthead's width in Chinese characters (a Latin letter counts about half of one)."""
        return sum(1 if ord(c) > 0x2E80 else 0.55 for c in self.masthead) or 1

    @property
    def masthead_size(self):
        """"", "long" or "longer": on the page, a masthead over 14 (20) characters wide is set smaller."""
        width = self._masthead_width()
        return "" if width <= 14 else "long" if width <= 20 else "longer"

    @property
    def masthead_pt(self):
        """The masthead's size in the PDF: 28 pt, smaller where that would not keep it to one line of A4."""
        return round(min(28, 420 / self._masthead_width()), 1)

    @property
    def computed_at(self):
        return timezone.localtime(parse_datetime(self.data["computed_at"]))

    @property
    def charts(self):
        return self.data.get("charts", [])

    def chart_svgs(self):
        return [charts.render(c) for c in self.charts]

    def headings(self):
        """{part: its heading, numbered as printed (一、工作动态)} of the parts the bulletin has."""
        parts = [("activity", self.activity and HEADINGS["activity"]), ("results", HEADINGS["results"]),
                 ("children", self.children and self.children["heading"]),
                 ("proposals", self.proposals and self.proposals["heading"]),
                 ("cases", self.cases and HEADINGS["cases"])]
        return {k: heading_number(n) + str(h) for n, (k, h) in enumerate([p for p in parts if p[1]], 1)}

    def child_columns(self):
        """The heads of the table of the regions below: the region's, then one per figure."""
        return [self.children["column"], *(str(CHILD_COLUMNS[k]) for k in CHILD_KEYS)]

    def child_rows(self):
        """The table of the regions below as printed: [{region, name, url, cells: [(key, as printed)], total}], the
        total (the bulletin's own figures) last; `url`: the live bulletin of the region, the period kept."""
        def cells(values):
            return [(k, display(FIGURES[k].unit, values.get(k))) for k in CHILD_KEYS]
        query = {"start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                 **{k: v for k, v in self.params.items() if k != "district"}}
        rows = [{"region": r["region"], "name": r["name"], "cells": cells(r["figures"]), "total": False,
                 "url": f"{reverse('reports:bulletin-live')}?{urlencode({**query, 'district': r['region']})}"}
                for r in self.children["rows"]]
        return [*rows, {"region": "", "name": pgettext("bulletin table", "Total"), "url": "", "total": True,
                        "cells": cells(self.children["total"])}]

    def proposal_columns(self):
        return [pgettext("bulletin table", "Channel"), *(str(c) for c in PROPOSAL_COLUMNS)]

    def proposal_rows(self):
        """The proposals by channel, then their total, as printed: [(name, [values as printed, in the order of COLUMNS])]."""
        def cells(line):
            return [percent(v) if n == RATE_COLUMN else v for n, v in enumerate(proposal_values(line))]
        lines = [*self.proposals["channels"], self.proposals["total"]]
        return [(line["name"], cells(line)) for line in lines]

    def lead_html(self):
        return sections.linked(self.lead, self.lead_links, self.period, self.params)

    def activity_html(self):
        return [{**e, "number": sub_number(n), "html": self._linked(e),
                 "items": [{**i, "html": self._linked(i)} for i in e["items"]]}
                for n, e in enumerate(self.activity, 1)]

    def _linked(self, part):
        return sections.linked(part["text"], part.get("links", []), self.period, self.params)

    def results_html(self):
        return [{**r, "number": sub_number(n), "html": self._linked(r)} for n, r in enumerate(self.results, 1)]

    def numbered_cases(self):
        return [{**c, "number": sub_number(n)} for n, c in enumerate(self.cases, 1)]

    def annex_rows(self):
        """The annex for a page: [(line, the group's name on its first line only, url of its records)]."""
        out, group = [], None
        for line in self.annex():
            out.append((line, line.group if line.group != group else "",
                        records_url(line.key, self.period, self.params, line.item)))
            group = line.group
        return out

    def annex(self):
        return lines(self.data)

    def content(self):
        """What publishing compares with the version before: the figures and the text (not when they were
        computed, nor the links)."""
        return _plain({
            "figures": [[f["key"], f["value"], [[i["key"], i["value"]] for i in f["items"]]] for f in self.data["figures"]],
            "title": self.title, "lead": self.lead,
            "activity": [[e["heading"], e["text"], [i["text"] for i in e["items"]]] for e in self.activity],
            "results": [[r["heading"], r["text"]] for r in self.results],
            "cases": [[c["ref"], c["title"], c["text"]] for c in self.cases],
            "charts": self.charts, "children": self.children, "proposals": self.proposals,
        })


HEADINGS = {"activity": gettext_lazy("Work updates"), "results": gettext_lazy("Main results"),
            "cases": gettext_lazy("Typical cases")}
TEXT_PARTS = [("title", gettext_lazy("Title")), ("lead", gettext_lazy("Lead paragraph")),
              ("activity", HEADINGS["activity"]), ("results", HEADINGS["results"]),
              ("children", gettext_lazy("Regions below")), ("proposals", gettext_lazy("Proposals")),
              ("cases", HEADINGS["cases"]), ("charts", gettext_lazy("Charts"))]
# The figures of the table of the regions below, and their heads there: the counts in 件 (as the proposals'
# columns), the rates in %.
CHILD_KEYS = rollup.CHILD_FIGURES
CHILD_COLUMNS = {"demands_received": pgettext_lazy("bulletin table", "Demands received"),
                 "demands_resolved": pgettext_lazy("bulletin table", "Resolved"),
                 "response_rate": gettext_lazy("Response rate"), "resolution_rate": gettext_lazy("Resolution rate"),
                 "satisfaction_rate": gettext_lazy("Satisfaction rate")}


RATE_COLUMN = 3  # the on-time rate among the proposal columns


def proposal_values(line):
    """A frozen line of the proposals (Line.as_dict) as its values in the order of their COLUMNS: the counts,
    the on-time rate (a number, None when no answer is due) and the counts by grade."""
    grades = line["grades"]
    return [line["received"], line["answered"], line["answered_on_time"], line["on_time_rate"],
            *(grades[g] for g in ("A", "B", "C", "none"))]


def text_changes(before, after):
    """The parts of the text that differ between two Documents' content(): [label] in the bulletin's order."""
    return [str(label) for key, label in TEXT_PARTS if before.get(key) != after.get(key)]


def _plain(value):
    """value as it reads back from a JSON field (Decimals as numbers, lazy text as text), so that a document
    composed now compares equal with the one frozen from the same figures and text."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# ---------------------------------------------------------------- masthead, title, issuing unit

def masthead(scope):
    """The bulletin's name in red at the top: 某某产业链工作简报."""
    if scope.chain is not None:
        return _("%(chain)s Work Bulletin") % {"chain": scope.chain.name}
    if scope.district is not None:
        return _("%(district)s Industry Chain Work Bulletin") % {"district": scope.district.name}
    return _("Industry Chain Work Bulletin")


def default_title(period, scope):
    where = scope.chain or scope.district or _("the city's industry chains")
    return _("Work of %(where)s in %(period)s") % {"where": where, "period": period.label}


def issuer(user, scope):
    """编发单位: (organisation or None, name as printed) — the chain's office; for a bulletin of no chain, or a
    chain without an office, the publisher's unit (a publisher without one: their name)."""
    unit = scope.chain.office if scope.chain is not None and scope.chain.office_id else None
    if unit is None and user is not None:
        unit = user.organization
    return unit, unit.name if unit is not None else (str(user) if user is not None else "")


# ---------------------------------------------------------------- composing and reading back

def compose(user, period, scope, composition=None):
    """The bulletin of the period and scope as `user` would publish it now, with the office's `composition`;
    ValidationError (on "cases") for a case that is not the period's."""
    composition = composition or Composition()
    report = compute_all(period, scope)
    chosen = cases.chosen(period, scope, composition.cases)
    text, links = lead_paragraph(report)
    children = sections.children(period, scope, report)
    data = report.as_dict()
    data["charts"] = charts.chart_data(report)
    return Document(
        masthead=masthead(scope), issue_number=None, issuer_name=issuer(user, scope)[1], date=timezone.localdate(),
        title=composition.title.strip() or str(default_title(period, scope)),
        lead=composition.lead.strip() or text, lead_links=links,
        activity=sections.activity(period, scope), results=sections.results(report), cases=chosen,
        data=_plain(data), period=period, params=scope.params(), children=_plain(children),
        proposals=_plain(sections.proposals(period, scope)))


def from_bulletin(bulletin):
    """A published bulletin as it was frozen."""
    params = {k: v for k, v in (("chain", bulletin.chain_id), ("district", bulletin.district_id)) if v}
    return Document(
        masthead=bulletin.masthead, issue_number=(bulletin.issue_year, bulletin.issue_number),
        issuer_name=bulletin.issuer_name,
        date=timezone.localdate(bulletin.published_at), title=bulletin.title, lead=bulletin.summary,
        lead_links=bulletin.sections.get("lead_links", []), activity=bulletin.sections.get("activity", []),
        results=bulletin.sections.get("results", []), cases=bulletin.cases, data=bulletin.data,
        period=Period(bulletin.start, bulletin.end), params=params, version=bulletin.version,
        children=bulletin.sections.get("children"), proposals=bulletin.sections.get("proposals"))


# ---------------------------------------------------------------- the annex

def label_of(entry):
    """A frozen figure's label in the reader's language (the registry's), else as it was frozen."""
    fig = FIGURES.get(entry["key"])
    return str(fig.label) if fig else entry["label"]


class Line(NamedTuple):
    """One line of the annex: a figure, or one item of a breakdown."""

    group: str
    label: str
    shown: str  # as printed: 68.2亿元, 96.5%, 12
    unit: str
    exact: object  # the value kept (fen, per cent, a count)
    note: str
    key: str
    item: str | None

    @property
    def unit_label(self):
        """The unit written beside the value: only where the value does not carry it (working days)."""
        return str(UNIT_LABELS[self.unit]) if self.unit == DAYS else ""


def lines(data):
    """[Line] of the frozen or computed figures; a breakdown gives one line per item."""
    out = []
    for f in data["figures"]:
        group, label, unit = str(GROUPS.get(f["group"], f["group"])), label_of(f), f["unit"]
        if f["items"]:
            for item in f["items"]:
                out.append(Line(group, _("%(figure)s: %(item)s") % {"figure": label, "item": item["label"]},
                                display(unit, item["value"]), unit, item["value"], "", f["key"], item["key"]))
        else:
            out.append(Line(group, label, display(unit, f["value"]), unit, f["value"], f["note"], f["key"], None))
    return out

