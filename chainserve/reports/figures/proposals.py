"""Figures of proposals — 建议提案 — of a report's period and scope: counted by `chainserve.demands.proposals`
(their one home) over the demands the reports count (figures.demands)."""

from dataclasses import dataclass

from chainserve.demands import proposals as counting

from .demands import demands


def proposals(period, scope):
    """The proposals received in the period and scope, as records."""
    return counting.proposals_of(demands(period, scope))


@dataclass
class Proposals(counting.Proposals):
    """The proposal figures with the period and scope they are of."""

    period: object = None
    scope: object = None

    def as_dict(self):
        scope = self.scope
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                       "label": str(self.period.label)},
            "scope": {"chain": scope.chain.pk if scope.chain else None, "chain_name": str(scope.chain or ""),
                      "district": scope.district.pk if scope.district else None,
                      "district_name": str(scope.district or "")},
            **super().as_dict(),
        }


def compute(period, scope, now=None) -> Proposals:
    """The proposal figures of the period and scope."""
    figures = counting.compute(demands(period, scope), now=now)
    return Proposals(figures.channels, figures.units, figures.total, period, scope)
