"""Every change to a demand (诉求): intake, the steps of its handling, its events, figures, files, notices.

The names other apps and the tests use are here; each lives in the module that says what it is for.
"""

from ..permissions import available_actions
from .attachments import check_attachment
from .enterprise import earlier_results, supplement, withdraw
from .escalation import agenda_candidates, escalate, resolve_at_meeting
from .figures import rebuild_figures
from .history import record_past_demand
from .intake import Intake, SimilarDemandsFound, check_similar, similar_demands, submit
from .notifications import notify_event
from .office import add_partner, reassign, urge
from .referral import refer_down, refer_up
from .reminders import escalate_overdue, in_working_hours, send_reminders
from .rules import rule_changes, save_rule
from .steps import Outcome, dispatch_selected, perform
from .transitions import (
    ConflictError,
    TransitionError,
    accept,
    answer,
    ask,
    close,
    comment,
    decide_extension,
    dispatch,
    link_issue,
    merge,
    rate,
    recommend,
    reject,
    reopen,
    reply,
    request_extension,
    send_back,
    suggest_departments,
)

__all__ = [
    "ConflictError", "Intake", "Outcome", "TransitionError", "accept", "add_partner", "agenda_candidates", "answer", "ask",
    "available_actions", "check_attachment", "close", "comment", "decide_extension", "dispatch",
    "dispatch_selected", "escalate", "escalate_overdue", "in_working_hours", "link_issue", "merge", "notify_event",
    "perform", "rate", "record_past_demand", "refer_down", "refer_up", "reassign", "recommend", "rebuild_figures", "reject", "reopen", "reply",
    "request_extension",
    "resolve_at_meeting", "rule_changes", "save_rule", "send_back", "send_reminders", "submit",
    "suggest_departments", "urge",
    "SimilarDemandsFound", "check_similar", "earlier_results", "similar_demands", "supplement", "withdraw",
]
