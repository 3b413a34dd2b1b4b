"""The figures of a bulletin — 简报指标: one function per figure, each linked to the records behind it.

A figure has a key, a label, a unit, `compute(period, scope)` → its value, and `records(period, scope, item)`
→ the queryset of the records it counts (the page behind `records_url`). The bulletin page, the dashboard,
the exports, the API and the command line all read the values from `compute_all`, so a figure is the same
number everywhere. Figures read the other apps through their models and public functions; demand figures
come from `chainserve.demands.metrics`.

The modules register their figures on import, in the order the bulletin lists them: coordination and
agreements, demands, then the industry, investment attraction and party building.
"""

from .base import (
    COUNT,
    DAYS,
    FEN,
    FIGURES,
    GROUPS,
    PERCENT,
    UNIT_LABELS,
    Figure,
    Period,
    Scope,
    display,
    figure,
    records_url,
    yi,
)
from .coordination import activities, agreements, meetings, visits
from .demands import category_figures, demand_filters, demands
from .industry import CLASS_1, CLINICAL_PHASES
from .report import PHRASES, Report, Value, compute_all, lead, phrase

__all__ = [
    "CLASS_1", "CLINICAL_PHASES", "COUNT", "PHRASES", "DAYS", "FEN", "FIGURES", "GROUPS", "PERCENT", "UNIT_LABELS", "Figure",
    "Period", "Report", "Scope", "Value", "activities", "agreements", "category_figures", "compute_all",
    "demand_filters", "demands", "display", "figure", "lead", "meetings", "phrase", "records_url", "visits",
    "yi",
]
