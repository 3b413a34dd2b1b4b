"""Coordination forms, one module per sub-domain; the pages and the API import them from here."""

from .activities import ActivityForm, CheckInForm, OutcomeForm, SignUpForm
from .agreements import AgreementForm, PartnerAgreementForm, TotalsForm
from .annual_lists import AnnualListForm, ItemUpdateForm, ListItemForm, MilestoneForm
from .base import CancelForm
from .committees import CommitteeForm, CommitteeMemberForm
from .meetings import ActionUpdateForm, AttendanceForm, DecisionForm, MeetingForm, MinutesForm, TopicForm
from .party_building import AllianceForm, AllianceMemberForm, CoverageForm, InstructorForm, PairingForm
from .visits import VisitDemandForm, VisitFilesForm, VisitForm

__all__ = [
    "CommitteeForm",
    "CommitteeMemberForm",
    "MeetingForm",
    "TopicForm",
    "AttendanceForm",
    "MinutesForm",
    "DecisionForm",
    "ActionUpdateForm",
    "ActivityForm",
    "SignUpForm",
    "CheckInForm",
    "OutcomeForm",
    "AgreementForm",
    "PartnerAgreementForm",
    "TotalsForm",
    "VisitForm",
    "VisitDemandForm",
    "VisitFilesForm",
    "AllianceForm",
    "AllianceMemberForm",
    "PairingForm",
    "InstructorForm",
    "CoverageForm",
    "AnnualListForm",
    "ListItemForm",
    "ItemUpdateForm",
    "MilestoneForm",
    "CancelForm",
]
