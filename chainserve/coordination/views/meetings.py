"""Joint meeting and action item pages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.forms import add_service_error
from chainserve.core.views import ObjectEditView, ObjectListView
from chainserve.demands import services as demand_services

from .. import services
from ..filtersets import ActionItemFilterSet, MeetingFilterSet
from ..forms import ActionUpdateForm, AttendanceForm, CancelForm, DecisionForm, MeetingForm, MinutesForm, TopicForm
from ..models import ActionItem, Meeting
from ..tables import ActionItemTable, MeetingTable
from .base import _can_change, _history, _visible


class MeetingListView(ObjectListView):
    model = Meeting
    filterset_class = MeetingFilterSet
    table_class = MeetingTable
    select_related = ("committee",)
    add_url = reverse_lazy("coordination:meeting-add")


class MeetingEditView(ObjectEditView):
    model = Meeting
    form_class = MeetingForm

    def get_initial(self, request, obj):
        return {"committee": request.GET.get("committee")} if obj.pk is None else {}


MEETING_STEPS = {"agenda", "topic", "attendance", "minutes", "decide", "cancel"}


class MeetingView(LoginRequiredMixin, View):
    def context(self, request, meeting, forms=None):
        forms = forms or {}
        can_edit = _can_change(request, meeting)
        decisions = meeting.decisions.select_related("agenda_item__demand", "action_item__owner")
        return {
            "meeting": meeting,
            "agenda": meeting.agenda.select_related("demand__organization"),
            "attendance": meeting.attendance.select_related("organization"),
            "decisions": decisions,
            "candidates": demand_services.agenda_candidates(meeting.chain).exclude(
                agenda_items__meeting=meeting) if can_edit else [],
            "can_edit": can_edit,
            "topic_form": forms.get("topic") or TopicForm(prefix="topic"),
            "attendance_form": forms.get("attendance") or AttendanceForm(prefix="attendance", meeting=meeting),
            "minutes_form": forms.get("minutes") or MinutesForm(prefix="minutes", initial={"minutes": meeting.minutes}),
            "decision_form": forms.get("decide") or DecisionForm(prefix="decide", meeting=meeting),
            "cancel_form": forms.get("cancel") or CancelForm(prefix="cancel"),
            "history": _history(meeting),
        }

    def get(self, request, pk):
        meeting = _visible(request, Meeting, pk, "committee", "chain")
        return render(request, "coordination/meeting.html", self.context(request, meeting))


class MeetingStepView(MeetingView):
    """POST one step on a meeting: build the agenda, add a topic, attendance, minutes or a decision."""

    http_method_names = ["post"]

    def post(self, request, pk, step):
        meeting = _visible(request, Meeting, pk, "committee", "chain")
        if step not in MEETING_STEPS:
            raise Http404
        if not _can_change(request, meeting):
            raise PermissionDenied
        form = None
        try:
            if step == "agenda":
                added = services.build_agenda(meeting, request.user)
                messages.success(request, _("%(n)d escalated demands added to the agenda.") % {"n": len(added)})
                return redirect(meeting)
            form_class = {"topic": TopicForm, "attendance": AttendanceForm, "minutes": MinutesForm,
                          "decide": DecisionForm, "cancel": CancelForm}[step]
            kwargs = {"meeting": meeting} if step in ("attendance", "decide") else {}
            form = form_class(request.POST, prefix=step, **kwargs)
            if form.is_valid():
                d = form.cleaned_data
                if step == "topic":
                    services.add_topic(meeting, request.user, d["topic"])
                elif step == "attendance":
                    services.record_attendance(meeting, request.user, d["organization"], d["name"], d["present"])
                elif step == "minutes":
                    services.record_minutes(meeting, request.user, d["minutes"])
                elif step == "cancel":
                    services.cancel_meeting(meeting, request.user, d["reason"])
                else:
                    services.decide(meeting, request.user, services.DecisionInput(
                        text=d["text"], owner=d["owner"], due_on=d["due_on"], agenda_item=d["agenda_item"],
                        resolves_demand=d["resolves_demand"]))
                messages.success(request, _("Done."))
                return redirect(meeting)
        except (ValidationError, services.CoordinationError, PermissionDenied) as e:
            add_service_error(form, e) if form is not None else messages.error(request, str(e))
            if form is None:
                return redirect(meeting)
        meeting.refresh_from_db()
        return render(request, "coordination/meeting.html", self.context(request, meeting, {step: form}), status=400)


class ActionItemListView(ObjectListView):
    model = ActionItem
    filterset_class = ActionItemFilterSet
    table_class = ActionItemTable
    select_related = ("decision", "owner", "meeting")


class ActionItemView(LoginRequiredMixin, View):
    def get(self, request, pk, form=None, status=200):
        item = _visible(request, ActionItem, pk, "decision__agenda_item__demand", "owner", "meeting")
        return render(request, "coordination/action_item.html", {
            "item": item,
            "can_edit": _can_change(request, item) and item.status == "open",
            "form": form or ActionUpdateForm(),
            "history": _history(item),
        }, status=status)

    def post(self, request, pk):
        item = _visible(request, ActionItem, pk)
        form = ActionUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.update_action(item, request.user, form.cleaned_data["progress"], form.cleaned_data["done"])
            except (ValidationError, services.CoordinationError, PermissionDenied) as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Done."))
                return redirect(item)
        return self.get(request, pk, form, status=400)
