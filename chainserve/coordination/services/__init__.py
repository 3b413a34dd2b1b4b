"""Every change in coordination, one module per sub-domain: each checks the user's scope, keeps history
with the author, and is atomic. What other modules call is importable from here."""

from .activities import (
    cancel_activity,
    cancel_registration,
    check_in,
    find_registration,
    record_outcome,
    sign_up,
)
from .agreements import confirm_agreement, record_agreement
from .annual_lists import (
    ListImporter,
    add_milestone,
    format_milestones,
    import_list,
    milestone_done,
    parse_milestones,
    post_update,
    save_item,
    weighted_progress,
)
from .base import CoordinationError, wan_to_fen
from .calendar import calendar_events, calendar_feed
from .meetings import (
    DecisionInput,
    add_topic,
    build_agenda,
    cancel_meeting,
    decide,
    record_attendance,
    record_minutes,
    update_action,
)
from .visits import add_visit_files, demand_from_visit, recent_visits_by_others

__all__ = [
    "CoordinationError",
    "wan_to_fen",
    "build_agenda",
    "add_topic",
    "record_attendance",
    "record_minutes",
    "DecisionInput",
    "decide",
    "update_action",
    "cancel_meeting",
    "sign_up",
    "find_registration",
    "check_in",
    "record_outcome",
    "cancel_activity",
    "cancel_registration",
    "record_agreement",
    "confirm_agreement",
    "recent_visits_by_others",
    "demand_from_visit",
    "add_visit_files",
    "weighted_progress",
    "save_item",
    "post_update",
    "add_milestone",
    "milestone_done",
    "parse_milestones",
    "format_milestones",
    "import_list",
    "ListImporter",
    "calendar_events",
    "calendar_feed",
]
