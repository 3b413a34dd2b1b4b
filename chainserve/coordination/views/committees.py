"""Committee pages."""

from django.shortcuts import render
from django.urls import reverse_lazy

from chainserve.core.views import ObjectEditView, ObjectListView

from ..filtersets import CommitteeFilterSet, CommitteeMemberFilterSet
from ..forms import CommitteeForm, CommitteeMemberForm
from ..models import Committee, CommitteeMember
from ..tables import CommitteeMemberTable, CommitteeTable
from .base import MembersView, _can_change, _history, _visible


class CommitteeListView(ObjectListView):
    model = Committee
    filterset_class = CommitteeFilterSet
    table_class = CommitteeTable
    select_related = ("chain", "convener")
    add_url = reverse_lazy("coordination:committee-add")


class CommitteeMemberListView(ObjectListView):
    """Member units of the committees; the committee's page exports its own (?committee=…&export=xlsx)."""

    model = CommitteeMember
    filterset_class = CommitteeMemberFilterSet
    table_class = CommitteeMemberTable
    select_related = ("committee", "organization", "person")


class CommitteeView(MembersView):
    model, member_model, member_form = Committee, CommitteeMember, CommitteeMemberForm

    def get(self, request, pk, form=None):
        committee = _visible(request, Committee, pk, "chain", "convener")
        members = committee.members.select_related("organization", "person")
        return render(request, "coordination/committee.html", {
            "committee": committee,
            "current": [m for m in members if m.is_current],
            "former": [m for m in members if not m.is_current],
            "meetings": committee.meetings.all()[:50],
            "can_edit": _can_change(request, committee),
            "member_form": form or CommitteeMemberForm(user=request.user, prefix="member"),
            "history": _history(committee, *members),
        })


class CommitteeEditView(ObjectEditView):
    model = Committee
    form_class = CommitteeForm
