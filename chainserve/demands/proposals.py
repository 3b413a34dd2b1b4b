"""Figures of proposals — 建议提案: the deputies' proposals (人大建议) and the members' proposals (政协提案), by
channel, by lead unit and by answer grade, as a 建议提案 office reports them every year. The one home of these
figures: the reports (the proposals page, the bulletin) and the demand metrics page count them here.

A proposal is a demand whose channel is one of PROPOSAL_CHANNELS; it counts like every demand (rejected, merged
and withdrawn ones left out) and its figures are the demand counters of `metrics`: answered on time is a first
answer by its answer deadline in working days, and the on-time rate (按时答复率) is the demands' response rate
(响应率): answered on time among the proposals whose first answer is due (answered, or unanswered past the
deadline now).
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from chainserve.core.choices import Role
from chainserve.registry.models import Organization

from . import metrics
from .choices import PROPOSAL_CHANNELS, Channel, ProposalGrade

CHANNEL_LABELS = {Channel.NPC: _("NPC deputies' proposals (人大建议)"), Channel.CPPCC: _("CPPCC proposals (政协提案)")}
UNGRADED = ""
GRADES = [*ProposalGrade.values, UNGRADED]
# The columns of a line as the pages and the workbooks head them (the counts in 件, the rate in %)
COLUMNS = [pgettext_lazy("proposals", "Received"), pgettext_lazy("proposals", "Answered"),
           pgettext_lazy("proposals", "Answered on time"), pgettext_lazy("proposals", "On-time rate"),
           pgettext_lazy("proposals", "Grade A"), pgettext_lazy("proposals", "Grade B"),
           pgettext_lazy("proposals", "Grade C"), pgettext_lazy("proposals", "Not graded yet")]


def percent(rate):
    """A rate as the reports print it: 96.5%, — when there is none."""
    return "—" if rate is None else f"{rate:.1f}%"


@dataclass
class Line:
    """One row of the figures: a channel, a lead unit or the total. `counts`: the demand counters summed over
    its proposals, and `grade:<A|B|C|>` the proposals received with that grade."""

    key: object
    name: str
    counts: Counter = field(default_factory=Counter)

    @cached_property
    def figures(self):
        return metrics.from_counts(self.key, self.name, self.counts)

    @property
    def received(self):
        return self.counts["received"]

    @property
    def answered(self):
        return self.counts["answered"]

    @property
    def answered_on_time(self):
        return self.counts["answered_on_time"]

    @property
    def on_time_rate(self):
        """按时答复率, a percentage to one decimal (None when no answer is due yet)."""
        return self.figures.response_rate

    @property
    def on_time_rate_display(self):
        return percent(self.on_time_rate)

    @property
    def grades(self):
        """[(grade, count)] in the order of GRADES; not graded yet: received and given no grade."""
        graded = {g: self.counts[f"grade:{g}"] for g in ProposalGrade.values}
        return [*graded.items(), (UNGRADED, self.received - sum(graded.values()))]

    def values(self):
        """The line's values in the order of COLUMNS (the rate a number, None when no answer is due)."""
        return [self.received, self.answered, self.answered_on_time, self.on_time_rate, *(n for _g, n in self.grades)]

    @property
    def cells(self):
        """The values as the page shows them: the rate as 96.5%, — when no answer is due yet."""
        values = self.values()
        values[3] = self.on_time_rate_display
        return values

    def as_dict(self):
        return {"key": self.key, "name": str(self.name), "received": self.received, "answered": self.answered,
                "answered_on_time": self.answered_on_time, "due_for_answer": self.figures.due_for_answer,
                "on_time_rate": self.on_time_rate, "grades": {g or "none": n for g, n in self.grades}}


@dataclass
class Proposals:
    channels: list[Line]  # every proposal channel, in the order of PROPOSAL_CHANNELS
    units: list[Line]  # the lead units by name, then the proposals not dispatched yet
    total: Line

    @property
    def summary(self):
        """The figures in one sentence, as the office's report states them."""
        npc, cppcc = self.channels
        return ngettext("Received %(total)s proposal: %(npc)s NPC deputies' proposals and %(cppcc)s CPPCC "
                        "proposals; %(on_time)s answered on time, on-time rate %(rate)s.",
                        "Received %(total)s proposals: %(npc)s NPC deputies' proposals and %(cppcc)s CPPCC "
                        "proposals; %(on_time)s answered on time, on-time rate %(rate)s.", self.total.received) % {
            "total": self.total.received, "npc": npc.received, "cppcc": cppcc.received,
            "on_time": self.total.answered_on_time, "rate": self.total.on_time_rate_display}

    def as_dict(self):
        return {"channels": [line.as_dict() for line in self.channels],
                "units": [line.as_dict() for line in self.units],
                "total": self.total.as_dict(), "summary": self.summary}


def may_view(user):
    """Whether user sees the proposal figures (建议提案): the platform admins and the chain offices — those who
    report them; a department, a specialist, an enterprise or a partner does not."""
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_admin_role or user.role == Role.OFFICE))


def proposals_of(demands):
    """The proposals among a queryset of demands."""
    return demands.filter(channel__in=PROPOSAL_CHANNELS)


def compute(demands, now=None) -> Proposals:
    """The proposal figures of the proposals among `demands`, a queryset already narrowed to a period and a
    scope (one query over the proposals, one for the unit names)."""
    cells = metrics.count(proposals_of(demands), "channel", "lead_department_id", "proposal_grade", now=now)
    channels = {c: Line(str(c), CHANNEL_LABELS[c]) for c in PROPOSAL_CHANNELS}
    units, total = {}, Line(None, _("Total"))
    for (channel, unit, grade), counts in cells.items():
        counts = Counter(counts)
        counts[f"grade:{grade}"] = counts["received"] if grade else 0
        for line in (channels[channel], units.setdefault(unit, Line(unit, "")), total):
            line.counts.update(counts)
    names = dict(Organization.objects.filter(pk__in=[k for k in units if k]).values_list("pk", "name"))
    for unit, line in units.items():
        line.name = names.get(unit, "") if unit else _("No lead unit yet")
    ordered = sorted((line for line in units.values() if line.received),
                     key=lambda line: (line.key is None, str(line.name)))
    return Proposals(list(channels.values()), ordered, total)
