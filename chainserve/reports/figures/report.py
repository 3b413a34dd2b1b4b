"""A computed report: every figure's value for a period and scope, and the lead paragraph that sums it up."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from ..wording import clauses, groups, sentence
from .base import FIGURES, GROUPS, Figure, Period, Scope, display


@dataclass
class Value:
    figure: Figure
    value: object
    note: str = ""
    items: list = field(default_factory=list)  # [(item key, label, value)] of a breakdown

    @property
    def display(self):
        return display(self.figure.unit, self.value) if self.figure.items is None else ""

    def item_display(self, value):
        return display(self.figure.unit, value)


@dataclass
class Report:
    period: Period
    scope: Scope
    computed_at: datetime.datetime
    values: list[Value]

    def value(self, key):
        return next(v.value for v in self.values if v.figure.key == key)

    @property
    def summary(self):
        """The lead paragraph."""
        return lead(self)[0]

    def groups(self):
        """[(group label, [values])] in the registry's order."""
        return [(label, [v for v in self.values if v.figure.group == g]) for g, label in GROUPS.items()]

    def as_dict(self):
        scope = self.scope
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                       "label": str(self.period.label)},
            "scope": {"chain": scope.chain.pk if scope.chain else None, "chain_name": str(scope.chain or ""),
                      "district": scope.district.pk if scope.district else None,
                      "district_name": str(scope.district or "")},
            "computed_at": self.computed_at.isoformat(),
            "summary": self.summary,
            "figures": [{"key": v.figure.key, "group": v.figure.group, "label": str(v.figure.label),
                         "unit": v.figure.unit, "value": v.value, "display": v.display, "note": v.note,
                         "items": [{"key": k, "label": str(label), "value": n} for k, label, n in v.items]}
                        for v in self.values],
        }


def compute_all(period, scope, keys=None) -> Report:
    """Every figure (or those of `keys`) for the period and scope, in the registry's order."""
    computed_at = timezone.now()
    values = []
    for key, fig in FIGURES.items():
        if keys is not None and key not in keys:
            continue
        value = fig.compute(period, scope)
        note = fig.note(period, scope) if fig.note else ""
        items = [(k, label, value.get(k, 0)) for k, label in fig.items(period, scope)] if fig.items else []
        values.append(Value(fig, value, note, items))
    return Report(period, scope, computed_at, values)


# How a bulletin states a figure (the figure's shown value goes in %(value)s; a count takes its plural form).
PHRASES = {
    "demands_received": ngettext_lazy("received %(value)s enterprise demand", "received %(value)s enterprise demands",
                                      "count"),
    "demands_resolved": ngettext_lazy("coordinated and resolved %(value)s demand",
                                      "coordinated and resolved %(value)s demands", "count"),
    "response_rate": _("response rate %(value)s"),
    "resolution_rate": _("resolution rate %(value)s"),
    "satisfaction_rate": _("satisfaction rate %(value)s"),
    "meetings_held": ngettext_lazy("held %(value)s joint meeting", "held %(value)s joint meetings", "count"),
    "activities_held": ngettext_lazy("held %(value)s joint activity", "held %(value)s joint activities", "count"),
    "visits": ngettext_lazy("made %(value)s visit to enterprises", "made %(value)s visits to enterprises", "count"),
    "agreements_credit_n": ngettext_lazy("signed %(value)s credit agreement", "signed %(value)s credit agreements",
                                         "count"),
    "agreements_credit_fen": _("credit granted %(value)s"),
    "agreements_cooperation_n": ngettext_lazy("signed %(value)s cooperation agreement",
                                              "signed %(value)s cooperation agreements", "count"),
    "agreements_investment_n": ngettext_lazy("signed %(value)s investment intention",
                                             "signed %(value)s investment intentions", "count"),
    "agreements_investment_fen": _("investment intended %(value)s"),
    "pairings": ngettext_lazy("%(value)s \"1+1\" pairing of party branches",
                              "%(value)s \"1+1\" pairings of party branches", "count"),
    "leads_landed": ngettext_lazy("%(value)s investment project landed", "%(value)s investment projects landed",
                                  "count"),
    "leads_landed_amount": _("investment landed %(value)s"),
}
# The lead paragraph: groups of figures, each group a clause; a figure of zero or none is left out.
LEAD = [
    ["demands_received", "demands_resolved", "response_rate", "resolution_rate", "satisfaction_rate"],
    ["meetings_held", "activities_held", "visits"],
    ["agreements_credit_n", "agreements_credit_fen", "agreements_investment_n"],
    ["pairings"],
    ["leads_landed"],
]


def phrase(value):
    """A figure's value stated as the bulletin states it."""
    return str(PHRASES[value.figure.key] % {"value": value.display, "count": value.value or 0})


def where(scope):
    """The scope as the lead paragraph names it."""
    if scope.chain is not None:
        return scope.chain.name
    if scope.district is not None:
        return gettext("the industry chains of %(district)s") % {"district": scope.district.name}
    return gettext("the city's industry chains")


def lead(report):
    """(text, links) of the lead paragraph — 导语: the period's main figures in one sentence, as reports print
    them (本期，…受理企业诉求126件，…召开联席会议3场次…); links: [{key, text}], the words stating each figure."""
    values = {v.figure.key: v for v in report.values}
    stated, links = [], []
    for keys in LEAD:
        shown = [(k, phrase(values[k])) for k in keys if k in values and values[k].value]
        links += [{"key": k, "text": text} for k, text in shown]
        stated.append(clauses(text for _k, text in shown))
    if not links:
        return sentence(gettext("no work was recorded in this period")), []
    return sentence(gettext("in this period, %(where)s %(facts)s") % {
        "where": where(report.scope), "facts": groups(stated)}), links
