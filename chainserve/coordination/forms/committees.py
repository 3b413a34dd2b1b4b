"""Committee forms."""

from ..models import Committee, CommitteeMember
from .base import ChainRecordForm, MembershipForm


class CommitteeForm(ChainRecordForm):
    class Meta:
        model = Committee
        fields = ["chain", "level", "name", "convener", "established_on", "description"]


class CommitteeMemberForm(MembershipForm):
    class Meta:
        model = CommitteeMember
        fields = ["organization", "role", "person", "started_on", "ended_on"]
