"""Pages of the coordination app: committees, joint meetings and action items, activities with sign-up and
check-in, agreements, visits, and the enterprise's own page."""

import calendar
import datetime
import io
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.choices import Role
from chainserve.core.money import format_amount
from chainserve.core.services import save_record
from chainserve.core.uploads import WorkbookError
from chainserve.core.views import ObjectEditView, ObjectListView

from . import ical, metrics, services
from .choices import ActivityStatus
from .filtersets import (
    ActionItemFilterSet,
    ActivityFilterSet,
    AgreementFilterSet,
    AllianceFilterSet,
    AnnualListFilterSet,
    CommitteeFilterSet,
    CoverageFilterSet,
    InstructorFilterSet,
    ListItemFilterSet,
    MeetingFilterSet,
    PairingFilterSet,
    VisitFilterSet,
)
from .forms import (
    ActionUpdateForm,
    ActivityForm,
    AgreementForm,
    AllianceForm,
    AllianceMemberForm,
    AnnualListForm,
    AttendanceForm,
    CancelForm,
    CheckInForm,
    CommitteeForm,
    CommitteeMemberForm,
    CoverageForm,
    DecisionForm,
    InstructorForm,
    ItemUpdateForm,
    ListImportForm,
    ListItemForm,
    MeetingForm,
    MilestoneForm,
    MinutesForm,
    OutcomeForm,
    PairingForm,
    SignUpForm,
    TopicForm,
    TotalsForm,
    VisitDemandForm,
    VisitForm,
)
from .models import (
    ActionItem,
    Activity,
    Agreement,
    Alliance,
    AllianceMember,
    AnnualList,
    CalendarFeed,
    Committee,
    CommitteeMember,
    Coverage,
    InstructorAssignment,
    ItemUpdate,
    ListItem,
    Meeting,
    Milestone,
    Pairing,
    Registration,
    Visit,
)
from .tables import (
    ActionItemTable,
    ActivityTable,
    AgreementTable,
    AllianceTable,
    AnnualListTable,
    CommitteeTable,
    CoverageTable,
    InstructorTable,
    ListItemTable,
    MeetingTable,
    PairingTable,
    VisitTable,
)


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


class MembersView(LoginRequiredMixin, View):
    """A page with member units (committee, alliance): POST adds a member unit."""

    model = member_model = member_form = None

    @classmethod
    def member_edit_view(cls):
        """The edit page of one of the memberships (its end date ends it; the ended row stays as history)."""
        return ObjectEditView.as_view(model=cls.member_model, form_class=cls.member_form)

    def post(self, request, pk):
        parent = _visible(request, self.model, pk)
        if not _can_change(request, parent):
            raise PermissionDenied
        form = self.member_form(request.POST, user=request.user, prefix="member",
                                instance=self.member_model(**{self.member_model.parent_field: parent}))
        if not form.is_valid():
            return self.get(request, pk, form)
        member = save_record(request.user, form.save(commit=False))
        messages.success(request, _("Saved %(name)s.") % {"name": member})
        return redirect(parent)


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
            "candidates": services.demand_services.agenda_candidates(meeting.chain).exclude(
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
            "cancel_form": forms.get("cancel") or CancelForm(prefix="cancel"),
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


class AgreementTotalsView(LoginRequiredMixin, View):
    """Agreements by institution — count and total amount — over the agreements the user may see."""

    def get(self, request):
        form = TotalsForm(request.GET or None)
        d = form.cleaned_data if form.is_valid() else {}
        rows = metrics.agreement_totals(Agreement.objects.restrict(request.user), start=d.get("after"),
                                        end=d.get("before"), kind=d.get("kind"))
        params = {k: v for k, v in (("after", d.get("after")), ("before", d.get("before")), ("kind", d.get("kind")))
                  if v}
        for row in rows:
            row["amount"] = format_amount(row["amount_fen"])
            row["url"] = reverse("coordination:agreements") + "?" + urlencode({**params,
                                                                                "institution": row["institution_id"]})
        return render(request, "coordination/agreement_totals.html", {
            "form": form, "rows": rows, "count": sum(r["count"] for r in rows),
            "amount": format_amount(sum(r["amount_fen"] for r in rows))})


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
    """An enterprise's activities open for sign-up, its registrations, agreements, visits, pairings,
    instructors and coverages."""

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
            "pairings": list(Pairing.objects.restrict(user).select_related("agency_branch")),
            "instructors": list(InstructorAssignment.objects.restrict(user).select_related("person", "user")),
            "coverages": list(Coverage.objects.restrict(user)),
        })


# ---------------------------------------------------------------- cancelling

class CancelActivityView(ActivityView):
    def post(self, request, pk):
        activity = _visible(request, Activity, pk)
        if not _can_change(request, activity):
            raise PermissionDenied
        form = CancelForm(request.POST, prefix="cancel")
        if form.is_valid():
            try:
                services.cancel_activity(activity, request.user, form.cleaned_data["reason"])
            except (ValidationError, services.CoordinationError, PermissionDenied) as e:
                _form_errors(form, e)
            else:
                messages.success(request, _("The activity is cancelled; those signed up are told."))
                return redirect(activity)
        return self.get(request, pk, {"cancel": form}, status=400)


# ---------------------------------------------------------------- alliances

class AllianceListView(ObjectListView):
    model = Alliance
    filterset_class = AllianceFilterSet
    table_class = AllianceTable
    select_related = ("chain",)
    add_url = reverse_lazy("coordination:alliance-add")


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


# ---------------------------------------------------------------- annual lists

class AnnualListListView(ObjectListView):
    model = AnnualList
    filterset_class = AnnualListFilterSet
    table_class = AnnualListTable
    select_related = ("chain",)
    add_url = reverse_lazy("coordination:annual-list-add")


class AnnualListEditView(ObjectEditView):
    model = AnnualList
    form_class = AnnualListForm

    def get_initial(self, request, obj):
        return {"year": timezone.localdate().year} if obj.pk is None else {}


def _tree(items):
    """Items in list order, parents before their children, each with its depth."""
    children = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    ordered = []

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            item.depth = depth
            ordered.append(item)
            walk(item.pk, depth + 1)

    walk(None, 0)
    return ordered


def _list_items(annual_list):
    return _tree(annual_list.items.select_related("owner").prefetch_related("milestones").order_by("code", "pk"))


def _overall(items):
    roots = [i for i in items if i.parent_id is None]
    return services.weighted_progress([(i.progress, i.weight) for i in roots])


class AnnualListView(LoginRequiredMixin, View):
    def get(self, request, pk, form=None, result=None):
        annual_list = _visible(request, AnnualList, pk, "chain")
        items = _list_items(annual_list)
        return render(request, "coordination/annual_list.html", {
            "annual_list": annual_list, "items": items, "overall": _overall(items),
            "can_edit": _can_change(request, annual_list),
            "import_form": form or ListImportForm(), "result": result,
            "history": _history(annual_list),
        }, status=400 if result is not None and not result.ok or form is not None and form.errors else 200)

    def post(self, request, pk):
        """Import the list's items from a workbook: all rows or none, every bad row listed."""
        annual_list = _visible(request, AnnualList, pk)
        if not _can_change(request, annual_list):
            raise PermissionDenied
        form = ListImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.get(request, pk, form)
        try:
            result = services.import_list(form.cleaned_data["file"], request.user, annual_list)
        except WorkbookError as e:
            form.add_error("file", str(e))
            return self.get(request, pk, form)
        if not result.ok:
            return self.get(request, pk, form, result)
        messages.success(request, _("Imported: %(c)d items added, %(u)d updated.")
                         % {"c": result.created, "u": result.updated})
        return redirect(annual_list)


class PublicListView(View):
    """A list's progress for anyone, without logging in: items, owner departments, milestones, progress and the
    timeline's text; no contact, author or evidence file."""

    def get(self, request, pk):
        annual_list = get_object_or_404(AnnualList.objects.select_related("chain"), pk=pk, public=True)
        items = _list_items(annual_list)
        updates = ItemUpdate.objects.filter(item__annual_list=annual_list).select_related("item").only(
            "item__code", "item__title", "text", "progress", "at")[:100]
        return render(request, "coordination/public_list.html", {
            "annual_list": annual_list, "items": items, "overall": _overall(items), "updates": updates})


class ListItemListView(ObjectListView):
    model = ListItem
    filterset_class = ListItemFilterSet
    table_class = ListItemTable
    select_related = ("owner", "parent")
    prefetch_related = ("milestones",)


class ListItemEditView(ObjectEditView):
    model = ListItem
    form_class = ListItemForm

    def get_object(self, request, pk):
        obj = super().get_object(request, pk)
        if obj.pk is None:
            annual_list = AnnualList.objects.restrict(request.user, "change").filter(
                pk=request.GET.get("list") or 0).first()
            if annual_list is None:
                raise Http404
            obj.annual_list = annual_list
        return obj

    def post(self, request, pk=None):
        obj = self.get_object(request, pk)
        form = self.get_form(request, obj, request.POST)
        if form.is_valid():
            try:
                item = services.save_item(request.user, form.save(commit=False))
            except ValidationError as e:
                _form_errors(form, e)
            else:
                messages.success(request, _("Saved %(name)s.") % {"name": item})
                return redirect(item)
        return self.render_form(request, form, obj)


class ListItemView(LoginRequiredMixin, View):
    def get(self, request, pk, forms=None, status=200):
        item = _visible(request, ListItem, pk, "annual_list__chain", "owner", "parent", "contact")
        forms = forms or {}
        staff = request.user.is_staff_role
        return render(request, "coordination/list_item.html", {
            "item": item,
            "children": item.children.select_related("owner"),
            "milestones": item.milestones.all(),
            "updates": item.updates.select_related("author"),
            "can_edit": _can_change(request, item),
            "update_form": forms.get("update") or ItemUpdateForm(prefix="update"),
            "milestone_form": forms.get("milestone") or MilestoneForm(prefix="milestone"),
            "history": _history(item) if staff else [],
        }, status=status)

    def post(self, request, pk):
        item = _visible(request, ListItem, pk)
        step = request.POST.get("step")
        form_class, prefix = {"update": (ItemUpdateForm, "update"), "milestone": (MilestoneForm, "milestone")}.get(
            step, (None, None))
        if step == "milestone-done":
            milestone = get_object_or_404(Milestone, pk=request.POST.get("milestone") or 0, item=item)
            try:
                services.milestone_done(milestone, request.user)
            except services.CoordinationError as e:
                messages.error(request, str(e))
            return redirect(item)
        if form_class is None:
            raise Http404
        form = form_class(request.POST, request.FILES, prefix=prefix)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if step == "update":
                    services.post_update(item, request.user, d["text"], d["progress"], d["status"], d["evidence"])
                else:
                    services.add_milestone(item, request.user, d["due_on"], d["title"])
            except (ValidationError, services.CoordinationError) as e:
                _form_errors(form, e)
            else:
                messages.success(request, _("Done."))
                return redirect(item)
        return self.get(request, pk, {step: form}, status=400)


class EvidenceView(LoginRequiredMixin, View):
    """An update's evidence file, to those who may see its list item."""

    def get(self, request, pk):
        update = get_object_or_404(ItemUpdate.objects.exclude(evidence=""), pk=pk)
        _visible(request, ListItem, update.item_id)
        return FileResponse(update.evidence.open("rb"), as_attachment=True, filename=update.evidence_name)


# ---------------------------------------------------------------- calendar

# The months the calendar shows: a far month (9999-12) is refused before the weeks around it and the
# next month's link overflow past year 9999.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _month(value):
    """The first day of the month asked as "YYYY-MM" (none: this month), and None; or this month's first
    day and the message for a month that is not one or is outside FIRST_YEAR…LAST_YEAR."""
    this_month = timezone.localdate().replace(day=1)
    if not (value or "").strip():
        return this_month, None
    try:
        year, month = (int(p) for p in value.split("-"))
        if FIRST_YEAR <= year <= LAST_YEAR:
            return datetime.date(year, month, 1), None
    except ValueError:
        pass
    return this_month, _("Give a month as YYYY-MM, from %(first)s-01 to %(last)s-12.") % {
        "first": FIRST_YEAR, "last": LAST_YEAR}


class CalendarView(LoginRequiredMixin, View):
    """A month of the meetings and activities the user may see, and the user's iCalendar address."""

    def get(self, request):
        first, error = _month(request.GET.get("month"))
        if error:
            messages.error(request, error)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(weeks[0][0], datetime.time.min, tz)
        end = datetime.datetime.combine(weeks[-1][-1] + datetime.timedelta(days=1), datetime.time.min, tz)
        by_day = {}
        for kind, obj in services.calendar_events(request.user, start, end):
            by_day.setdefault(timezone.localtime(obj.starts_at).date(), []).append((kind, obj))
        feed = CalendarFeed.objects.filter(user=request.user).first()
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (first + datetime.timedelta(days=31)).replace(day=1)
        return render(request, "coordination/calendar.html", {
            "first": first,
            "previous": previous if previous.year >= FIRST_YEAR else None,
            "following": following if following.year <= LAST_YEAR else None,
            "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
            "feed_url": request.build_absolute_uri(reverse("coordination:calendar-feed", args=[ical.feed_key(feed)]))
            if feed else None,
        }, status=400 if error else 200)

    def post(self, request):
        services.calendar_feed(request.user, renew=True)
        messages.success(request, _("Your calendar address is ready; an earlier one no longer works."))
        return redirect("coordination:calendar")


FEED_PAST = datetime.timedelta(days=90)
FEED_FUTURE = datetime.timedelta(days=400)


class CalendarFeedView(View):
    """The iCalendar feed of one user (the signed key in the address stands for the user), scoped like the pages."""

    def get(self, request, token):
        stored = ical.token_of(token)
        if stored is None:
            raise Http404
        feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=stored, user__is_active=True)
        now = timezone.now()
        events = []
        for kind, obj in services.calendar_events(feed.user, now - FEED_PAST, now + FEED_FUTURE):
            events.append(ical.event_lines(
                f"{kind}-{obj.pk}@chainserve", obj.starts_at, obj.title,
                request.build_absolute_uri(obj.get_absolute_url()), location=obj.location, stamp=obj.updated,
                cancelled=obj.status == "cancelled"))
        body = ical.calendar(_("Chain service platform"), events)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="chainserve.ics"'
        response["Cache-Control"] = "no-store"  # the token stands for the user: no shared cache keeps it
        return response
