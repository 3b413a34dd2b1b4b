"""Pages of the coordination app: committees, joint meetings and action items, activities with sign-up and
check-in, agreements, visits, and the enterprise's own page."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.choices import Role
from chainserve.core.services import save_record
from chainserve.core.views import ObjectEditView, ObjectListView

from . import services
from .choices import ActivityStatus
from .filtersets import (
    ActionItemFilterSet,
    ActivityFilterSet,
    AgreementFilterSet,
    CommitteeFilterSet,
    MeetingFilterSet,
    VisitFilterSet,
)
from .forms import (
    ActionUpdateForm,
    ActivityForm,
    AgreementForm,
    AttendanceForm,
    CheckInForm,
    CommitteeForm,
    CommitteeMemberForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    OutcomeForm,
    SignUpForm,
    TopicForm,
    VisitDemandForm,
    VisitForm,
)
from .models import ActionItem, Activity, Agreement, Committee, CommitteeMember, Meeting, Registration, Visit
from .tables import ActionItemTable, ActivityTable, AgreementTable, CommitteeTable, MeetingTable, VisitTable


def _visible(request, model, pk, *related):
    return get_object_or_404(model.objects.restrict(request.user).select_related(*related), pk=pk)


def _can_change(request, obj):
    return type(obj).objects.restrict(request.user, "change").filter(pk=obj.pk).exists()


def _form_errors(form, error):
    """Put a service's refusal next to the form's fields, or above them."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, str(error) or _("You may not do this."))


def _history(*objects):
    rows = []
    for obj in objects:
        rows.extend(obj.history.select_related("history_user").all()[:50])
    return sorted(rows, key=lambda h: h.history_date, reverse=True)


# ---------------------------------------------------------------- committees

class CommitteeListView(ObjectListView):
    model = Committee
    filterset_class = CommitteeFilterSet
    table_class = CommitteeTable
    select_related = ("chain", "convener")
    add_url = reverse_lazy("coordination:committee-add")


class CommitteeView(LoginRequiredMixin, View):
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
            "history": _history(committee),
        })

    def post(self, request, pk):
        committee = _visible(request, Committee, pk)
        if not _can_change(request, committee):
            raise PermissionDenied
        form = CommitteeMemberForm(request.POST, user=request.user, prefix="member",
                                   instance=CommitteeMember(committee=committee))
        if not form.is_valid():
            return self.get(request, pk, form)
        member = save_record(request.user, form.save(commit=False))
        messages.success(request, _("Saved %(name)s.") % {"name": member})
        return redirect(committee)


class CommitteeEditView(ObjectEditView):
    model = Committee
    form_class = CommitteeForm


class MemberEditView(ObjectEditView):
    """Edit a membership (its dates end it; the ended row stays as history)."""

    model = CommitteeMember
    form_class = CommitteeMemberForm


# ---------------------------------------------------------------- meetings

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


MEETING_STEPS = {"agenda", "topic", "attendance", "minutes", "decide"}


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
            "candidates": services.demand_services.agenda_candidates(meeting.chain).exclude(
                agenda_items__meeting=meeting) if can_edit else [],
            "can_edit": can_edit,
            "topic_form": forms.get("topic") or TopicForm(prefix="topic"),
            "attendance_form": forms.get("attendance") or AttendanceForm(prefix="attendance", meeting=meeting),
            "minutes_form": forms.get("minutes") or MinutesForm(prefix="minutes", initial={"minutes": meeting.minutes}),
            "decision_form": forms.get("decide") or DecisionForm(prefix="decide", meeting=meeting),
            "history": _history(meeting),
        }

    def get(self, request, pk):
        meeting = _visible(request, Meeting, pk, "committee", "chain")
        return render(request, "coordination/meeting.html", self.context(request, meeting))


class MeetingStepView(MeetingView):
    """POST one step on a meeting: build the agenda, add a topic, attendance, minutes or a decision."""

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
                          "decide": DecisionForm}[step]
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
                else:
                    services.decide(meeting, request.user, services.DecisionInput(
                        text=d["text"], owner=d["owner"], due_on=d["due_on"], agenda_item=d["agenda_item"],
                        resolves_demand=d["resolves_demand"]))
                messages.success(request, _("Done."))
                return redirect(meeting)
        except (ValidationError, services.CoordinationError, PermissionDenied) as e:
            _form_errors(form, e) if form is not None else messages.error(request, str(e))
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
                _form_errors(form, e)
            else:
                messages.success(request, _("Done."))
                return redirect(item)
        return self.get(request, pk, form, status=400)


# ---------------------------------------------------------------- activities

class ActivityListView(ObjectListView):
    model = Activity
    filterset_class = ActivityFilterSet
    table_class = ActivityTable
    add_url = reverse_lazy("coordination:activity-add")


class ActivityEditView(ObjectEditView):
    model = Activity
    form_class = ActivityForm


class ActivityView(LoginRequiredMixin, View):
    def get(self, request, pk, forms=None, status=200):
        activity = _visible(request, Activity, pk, "chain", "organizer")
        forms = forms or {}
        user = request.user
        registrations = Registration.objects.restrict(user).filter(activity=activity).select_related(
            "organization").prefetch_related("attendees")
        own = None
        if user.role == Role.ENTERPRISE:
            own = registrations.filter(organization_id=user.organization_id).first()
        can_edit = _can_change(request, activity)
        open_for_signup = activity.status == ActivityStatus.PLANNED and activity.starts_at >= timezone.now()
        return render(request, "coordination/activity.html", {
            "activity": activity,
            "registrations": registrations,
            "own": own,
            "can_edit": can_edit,
            "can_sign_up": user.role == Role.ENTERPRISE and own is None and open_for_signup
            and activity.open_to_enterprises,
            "signup_form": forms.get("signup") or SignUpForm(prefix="signup"),
            "outcome_form": forms.get("outcome") or OutcomeForm(prefix="outcome", initial={
                "outcome": activity.outcome, "leads_found": activity.leads_found,
                "demands_raised": activity.demands_raised}),
            "agreements": Agreement.objects.restrict(user).filter(activity=activity).select_related(
                "institution", "enterprise"),
            "attendee_count": sum(len(r.attendees.all()) for r in registrations),
            "history": _history(activity) if user.is_staff_role else [],
        }, status=status)


class SignUpView(ActivityView):
    def post(self, request, pk):
        activity = _visible(request, Activity, pk)
        form = SignUpForm(request.POST, prefix="signup")
        if form.is_valid():
            try:
                reg = services.sign_up(activity, request.user, request.user.organization, form.attendees(),
                                       form.cleaned_data["note"])
            except (ValidationError, services.CoordinationError, PermissionDenied) as e:
                _form_errors(form, e)
            else:
                messages.success(request, _("Signed up. Show the QR code or the check-in code %(c)s at the entrance.")
                                 % {"c": reg.code})
                return redirect(reg)
        return self.get(request, pk, {"signup": form}, status=400)


class OutcomeView(ActivityView):
    def post(self, request, pk):
        activity = _visible(request, Activity, pk)
        form = OutcomeForm(request.POST, prefix="outcome")
        if form.is_valid():
            try:
                services.record_outcome(activity, request.user, **form.cleaned_data)
            except (ValidationError, services.CoordinationError, PermissionDenied) as e:
                _form_errors(form, e)
            else:
                messages.success(request, _("Done."))
                return redirect(activity)
        return self.get(request, pk, {"outcome": form}, status=400)


class RegistrationView(LoginRequiredMixin, View):
    def get(self, request, pk):
        reg = _visible(request, Registration, pk, "activity", "organization")
        return render(request, "coordination/registration.html", {
            "reg": reg,
            "attendees": reg.attendees.select_related("checked_in_by"),
            "can_check_in": request.user.is_staff_role and _can_change(request, reg),
            "check_in_url": request.build_absolute_uri(reverse("coordination:check-in") + f"?code={reg.code}"),
        })

    def post(self, request, pk):
        reg = _visible(request, Registration, pk)
        ids = [int(i) for i in request.POST.getlist("attendee") if i.isdigit()] or None
        try:
            n = services.check_in(reg, request.user, ids)
        except PermissionDenied:
            raise
        messages.success(request, _("%(n)d attendees checked in.") % {"n": n})
        return redirect(reg)


class RegistrationQRView(LoginRequiredMixin, View):
    """The registration's check-in QR code as SVG: it opens the check-in page with the code filled in."""

    def get(self, request, pk):
        reg = _visible(request, Registration, pk)
        url = request.build_absolute_uri(reverse("coordination:check-in") + f"?code={reg.code}")
        out = io.BytesIO()
        segno.make(url, error="m").save(out, kind="svg", scale=5, dark="#000", light="#fff")
        return HttpResponse(out.getvalue(), content_type="image/svg+xml")


class CheckInView(LoginRequiredMixin, View):
    """Staff at the entrance type or scan a code and land on that registration to check its attendees in."""

    def get(self, request):
        if not request.user.is_staff_role:
            raise PermissionDenied
        form = CheckInForm(request.GET or None)
        if form.is_bound and form.is_valid():
            reg = services.find_registration(request.user, form.cleaned_data["code"])
            if reg is not None:
                return redirect(reg)
            form.add_error("code", _("No registration of an activity you run has this code."))
        return render(request, "coordination/check_in.html", {"form": form})


# ---------------------------------------------------------------- agreements

class AgreementListView(ObjectListView):
    model = Agreement
    filterset_class = AgreementFilterSet
    table_class = AgreementTable
    select_related = ("institution", "enterprise")
    add_url = reverse_lazy("coordination:agreement-add")


class AgreementEditView(ObjectEditView):
    model = Agreement
    form_class = AgreementForm

    def get_initial(self, request, obj):
        if obj.pk is not None or not request.GET.get("activity"):
            return {}
        activity = Activity.objects.restrict(request.user).filter(pk=request.GET["activity"]).first()
        return {"activity": activity, "chain": activity.chain_id} if activity else {}


class AgreementView(LoginRequiredMixin, View):
    def get(self, request, pk):
        agreement = _visible(request, Agreement, pk, "institution", "enterprise", "activity", "chain")
        return render(request, "coordination/agreement.html", {
            "agreement": agreement, "can_edit": _can_change(request, agreement),
            "history": _history(agreement) if request.user.is_staff_role else []})


# ---------------------------------------------------------------- visits

class VisitListView(ObjectListView):
    model = Visit
    filterset_class = VisitFilterSet
    table_class = VisitTable
    select_related = ("organization", "visitor")
    add_url = reverse_lazy("coordination:visit-add")


class VisitEditView(ObjectEditView):
    model = Visit
    form_class = VisitForm

    def get_initial(self, request, obj):
        return {"visited_on": timezone.localdate(), "organization": request.GET.get("organization")} \
            if obj.pk is None else {}

    def get_object(self, request, pk):
        obj = super().get_object(request, pk)
        if obj.pk is None:
            obj.visitor = request.user
        return obj

    def success_url(self, instance):
        others = services.recent_visits_by_others(instance.organization, self.request.user, instance.visited_on,
                                                  exclude=instance)
        if others.exists():
            messages.warning(self.request, _("%(org)s was visited by someone else within the last 14 days.")
                             % {"org": instance.organization})
        return instance.get_absolute_url()


class VisitView(LoginRequiredMixin, View):
    def get(self, request, pk, form=None, status=200):
        visit = _visible(request, Visit, pk, "organization", "visitor")
        staff = request.user.is_staff_role
        return render(request, "coordination/visit.html", {
            "visit": visit,
            "others": services.recent_visits_by_others(visit.organization, visit.visitor, visit.visited_on,
                                                       exclude=visit) if staff else [],
            "demands": visit.demands.restrict(request.user).select_related("category"),
            "can_edit": _can_change(request, visit),
            "form": form or VisitDemandForm(),
        }, status=status)

    def post(self, request, pk):
        visit = _visible(request, Visit, pk, "organization")
        form = VisitDemandForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                demand = services.demand_from_visit(visit, request.user, d["category"], d["title"], d["description"])
            except (ValidationError, PermissionDenied) as e:
                _form_errors(form, e)
            else:
                messages.success(request, _("Demand %(n)s recorded from this visit.") % {"n": demand.number})
                return redirect(visit)
        return self.get(request, pk, form, status=400)


# ---------------------------------------------------------------- the enterprise's own page

class MineView(LoginRequiredMixin, View):
    """An enterprise's activities open for sign-up, its registrations and its agreements."""

    def get(self, request):
        user = request.user
        if user.role != Role.ENTERPRISE or not user.organization_id:
            raise PermissionDenied
        return render(request, "coordination/mine.html", {
            "org": user.organization,
            "upcoming": Activity.objects.restrict(user).filter(
                status=ActivityStatus.PLANNED, starts_at__gte=timezone.now()).order_by("starts_at")[:20],
            "registrations": Registration.objects.restrict(user).select_related("activity").order_by(
                "-activity__starts_at")[:50],
            "agreements": Agreement.objects.restrict(user).select_related("institution", "activity")[:50],
            "visits": Visit.objects.restrict(user).select_related("visitor")[:20],
        })
