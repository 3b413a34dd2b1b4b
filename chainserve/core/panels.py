"""Panels of a home page — the workbench (工作台) and the enterprise portal's home: counts that link to their
(filtered) lists, and the few records the user acts on first."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse


@dataclass
class Count:
    """One figure of a panel and the list it counts; tone `overdue` (red) or `soon` (amber) when it warns."""

    label: str
    value: int | str
    url: str
    tone: str = ""


@dataclass
class Panel:
    """A panel: its template (workbench/panels/<name>.html), title, counts, and what its template lists."""

    name: str
    title: str
    counts: list[Count] = field(default_factory=list)
    rows: list = field(default_factory=list)
    more: str = ""  # the whole list behind the rows
    data: dict = field(default_factory=dict)

    @property
    def template(self):
        return f"workbench/panels/{self.name}.html"


def url(name, *args, query=None):
    """reverse(name, args) with a query string: url("demands:demands", query={"overdue": "true"})."""
    path = reverse(name, args=args)
    return f"{path}?{urlencode(query, doseq=True)}" if query else path
