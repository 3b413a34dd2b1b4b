"""Every change to a demand (诉求): intake, the steps of its handling, its events, figures, files, notices.

The names other apps and the tests use are here; each lives in the module that says what it is for.
"""

from ..permissions import available_actions
from .attachments import check_attachment
from .enterprise import SimilarDemandsFound, check_similar, earlier_results, similar_demands, supplement, withdraw
from .figures import rebuild_figures
from .intake import Intake, submit
from .notifications import notify_event
from .reminders import escalate_overdue, in_working_hours, send_reminders
from .rules import rule_changes, save_rule
from .transitions import (
    ConflictError,
    TransitionError,
    accept,
    agenda_candidates,
    answer,
    ask,
    close,
    comment,
    decide_extension,
    dispatch,
    escalate,
    link_issue,
    merge,
    perform,
    rate,
    reject,
    reopen,
    reply,
    request_extension,
    resolve_at_meeting,
    send_back,
    suggest_departments,
)

__all__ = [
    "ConflictError", "Intake", "TransitionError", "accept", "agenda_candidates", "answer", "ask",
    "available_actions", "check_attachment", "close", "comment", "decide_extension", "dispatch", "escalate",
    "escalate_overdue", "in_working_hours", "link_issue", "merge", "notify_event", "perform", "rate",
    "rebuild_figures", "reject", "reopen", "reply", "request_extension", "resolve_at_meeting", "rule_changes",
    "save_rule", "send_back", "send_reminders", "submit", "suggest_departments",
    "SimilarDemandsFound", "check_similar", "earlier_results", "similar_demands", "supplement", "withdraw",
]
