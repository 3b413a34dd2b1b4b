"""Past years brought in (历史数据导入): the whole history workbook, `chainserve import history FILE.xlsx`.

The demands sheet is the demands app's (`demands.services.history`); this package puts the sheets together,
since coordination is the app that may read the others: joint meetings and activities (`occasions`),
agreements and "1+1" pairings (`agreements`), annual lists with their items and milestones (`lists`), each on
the one base of a further sheet (`base.PastSheet`).
"""

from django.utils.translation import gettext_lazy

from chainserve.demands.services.history import PastDemandImporter

from .agreements import PastAgreementImporter, PastPairingImporter
from .lists import PastListImporter
from .occasions import PastActivityImporter, PastMeetingImporter

__all__ = ["HistoryImporter", "PastActivityImporter", "PastAgreementImporter", "PastListImporter",
           "PastMeetingImporter", "PastPairingImporter"]


class HistoryImporter(PastDemandImporter):
    """`chainserve import history FILE.xlsx`: the sheets of past years that the workbook has, all or nothing —
    demands (诉求), then joint meetings (联席会议), joint activities (联建活动), agreements (签约项目), pairings
    (结对共建) and annual lists (年度清单) as its further sheets."""

    kind = "history"
    label = gettext_lazy("past years")
    sheets = (PastMeetingImporter, PastActivityImporter, PastAgreementImporter, PastPairingImporter,
              PastListImporter)
