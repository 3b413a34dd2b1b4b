"""A computed report: every figure's value for a period and scope, and the sentence that sums it up."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext

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
        return summary(self)

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


# The sentence of a bulletin, as the reports print it: (figure, template); parts whose figure is not computed
# are left out. A count takes its plural form from the value ("Held 1 joint meeting").
SUMMARY = [
    ("meetings_held", ngettext_lazy("held %(value)s joint meeting", "held %(value)s joint meetings", "count")),
    ("activities_held", ngettext_lazy("held %(value)s joint activity", "held %(value)s joint activities", "count")),
    ("demands_resolved", ngettext_lazy("coordinated and resolved %(value)s demand",
                                       "coordinated and resolved %(value)s demands", "count")),
    ("agreements_credit_fen", _("signed credit agreements of %(value)s")),
]


def summary(report):
    values = {v.figure.key: v for v in report.values}
    parts = [template % {"value": values[key].display, "count": values[key].value or 0}
             for key, template in SUMMARY if key in values]
    if not parts:
        return ""
    text = pgettext("list separator", ", ").join(parts) + pgettext("sentence end", ".")
    return text[0].upper() + text[1:]
