"""Party-building pages: alliances, pairings, instructors and coverages."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views import View

from chainserve.core.views import ObjectEditView, ObjectListView

from ..filtersets import (
    AllianceFilterSet,
    AllianceMemberFilterSet,
    CoverageFilterSet,
    InstructorFilterSet,
    PairingFilterSet,
)
from ..forms import AllianceForm, AllianceMemberForm, CoverageForm, InstructorForm, PairingForm
from ..models import Alliance, AllianceMember, Coverage, InstructorAssignment, Pairing
from ..tables import AllianceMemberTable, AllianceTable, CoverageTable, InstructorTable, PairingTable
from .base import MembersView, _can_change, _history, _visible

# ---------------------------------------------------------------- alliances

class AllianceListView(ObjectListView):
    model = Alliance
    filterset_class = AllianceFilterSet
    table_class = AllianceTable
    select_related = ("chain",)
    add_url = reverse_lazy("coordination:alliance-add")


class AllianceMemberListView(ObjectListView):
    """Member units of the alliances; the alliance's page exports its own (?alliance=…&export=xlsx)."""

    model = AllianceMember
    filterset_class = AllianceMemberFilterSet
    table_class = AllianceMemberTable
    select_related = ("alliance", "organization")


class AllianceEditView(ObjectEditView):
    model = Alliance
    form_class = AllianceForm


class AllianceView(MembersView):
    model, member_model, member_form = Alliance, AllianceMember, AllianceMemberForm

    def get(self, request, pk, form=None):
        alliance = _visible(request, Alliance, pk, "chain")
        members = list(alliance.members.select_related("organization"))
        return render(request, "coordination/alliance.html", {
            "alliance": alliance,
            "current": [m for m in members if m.is_current],
            "former": [m for m in members if not m.is_current],
            "can_edit": _can_change(request, alliance),
            "member_form": form or AllianceMemberForm(user=request.user, prefix="member"),
            "history": _history(alliance, *members),
        }, status=200 if form is None else 400)



# ---------------------------------------------------------------- pairings, instructors, coverage

class RecordView(LoginRequiredMixin, View):
    """The page of one dated record kept per enterprise: its fields and its change history."""

    model = None
    select_related = ()
    edit_url = None

    def get(self, request, pk):
        obj = _visible(request, self.model, pk, *self.select_related)
        fields = [(f.verbose_name, getattr(obj, f"get_{f.name}_display", lambda f=f: getattr(obj, f.name))())
                  for f in self.model._meta.fields if f.editable and f.name not in ("id", "created", "updated")]
        return render(request, "coordination/record.html", {
            "object": obj, "fields": fields, "title": self.model._meta.verbose_name,
            "can_edit": _can_change(request, obj), "edit_url": reverse(self.edit_url, args=[obj.pk]),
            "history": _history(obj)})


def _enterprise_initial(request, obj):
    return {"enterprise": request.GET.get("enterprise")} if obj.pk is None else {}


class PairingListView(ObjectListView):
    model = Pairing
    filterset_class = PairingFilterSet
    table_class = PairingTable
    select_related = ("agency_branch", "enterprise")
    add_url = reverse_lazy("coordination:pairing-add")


class PairingEditView(ObjectEditView):
    model = Pairing
    form_class = PairingForm
    get_initial = staticmethod(_enterprise_initial)


class PairingView(RecordView):
    model = Pairing
    select_related = ("agency_branch", "enterprise")
    edit_url = "coordination:pairing-edit"


class InstructorListView(ObjectListView):
    model = InstructorAssignment
    filterset_class = InstructorFilterSet
    table_class = InstructorTable
    select_related = ("person", "user", "enterprise")
    add_url = reverse_lazy("coordination:instructor-add")


class InstructorEditView(ObjectEditView):
    model = InstructorAssignment
    form_class = InstructorForm
    get_initial = staticmethod(_enterprise_initial)


class InstructorView(RecordView):
    model = InstructorAssignment
    select_related = ("person", "user", "enterprise")
    edit_url = "coordination:instructor-edit"


class CoverageListView(ObjectListView):
    model = Coverage
    filterset_class = CoverageFilterSet
    table_class = CoverageTable
    select_related = ("enterprise",)
    add_url = reverse_lazy("coordination:coverage-add")


class CoverageEditView(ObjectEditView):
    model = Coverage
    form_class = CoverageForm
    get_initial = staticmethod(_enterprise_initial)


class CoverageView(RecordView):
    model = Coverage
    select_related = ("enterprise",)
    edit_url = "coordination:coverage-edit"
