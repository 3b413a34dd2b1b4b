"""Coordination — 协调推进 — models, one module per sub-domain, all importable from here (as Django and the
migrations, which name `models._departments` and `models._branch_kinds`, expect)."""

from .activities import Activity, Attendee, Registration, new_code
from .agreements import Agreement
from .annual_lists import AnnualList, ItemUpdate, ListItem, Milestone, evidence_path
from .base import Membership, _departments, current_on
from .calendar import CalendarFeed
from .committees import Committee, CommitteeMember
from .meetings import ActionItem, AgendaItem, Attendance, Decision, Meeting
from .party_building import Alliance, AllianceMember, Coverage, InstructorAssignment, Pairing, _branch_kinds
from .visits import Visit, VisitFile, visit_file_path

__all__ = [
    "_departments",
    "current_on",
    "Membership",
    "Committee",
    "CommitteeMember",
    "Meeting",
    "AgendaItem",
    "Attendance",
    "Decision",
    "ActionItem",
    "Activity",
    "new_code",
    "Registration",
    "Attendee",
    "Agreement",
    "Visit",
    "VisitFile",
    "visit_file_path",
    "Alliance",
    "AllianceMember",
    "_branch_kinds",
    "Pairing",
    "InstructorAssignment",
    "Coverage",
    "AnnualList",
    "ListItem",
    "Milestone",
    "evidence_path",
    "ItemUpdate",
    "CalendarFeed",
]
