"""Pages of the demands app: lists, queue, inbox, detail with its steps, intake on behalf, rules, metrics."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View

from chainserve.core.audit import record_export
from chainserve.core.choices import Role
from chainserve.core.exports import xlsx_response
from chainserve.core.forms import add_service_error
from chainserve.core.models import can_change_any
from chainserve.core.routers import heavy_read
from chainserve.core.services import missing_calendar_years
from chainserve.core.views import ObjectEditView, ObjectListView, StaffOnlyMixin

from . import metrics, permissions, proposals, services
from .choices import RUNNING_STATUSES, EventType, Status
from .filtersets import DemandFilterSet
from .forms import ACTION_FORMS, BulkDispatchForm, DispatchRuleForm, StaffDemandForm, StandardReplyForm
from .models import BEING_HANDLED, Assignment, Attachment, Demand, DispatchRule, StandardReply
from .tables import DemandTable, QueueTable


class DemandListBase(ObjectListView):
    """What the demand lists share: the table, the filters, the related rows read with each demand."""

    model = Demand
    filterset_class = DemandFilterSet
    table_class = DemandTable
    select_related = ("organization", "category", "lead_department", "district")
    heading = None


class DemandListView(StaffOnlyMixin, DemandListBase):
    @property
    def add_url(self):
        return reverse("demands:demand-add") if permissions.may_record(self.request.user) else None


class QueueView(DemandListView):
    """The dispatcher's queue: new demands and those sent back, oldest deadline first; ticked ones are
    dispatched together (BulkDispatchView)."""

    template_name = "demands/queue.html"
    table_class = QueueTable

    def get_queryset(self, request):
        if not permissions.is_office(request.user):
            raise PermissionDenied
        # the demands the office acts on: those it oversees in the regions below are in the demand list only
        queued = Demand.objects.restrict(request.user, "change").filter(status__in=[Status.NEW, Status.ACCEPTED])
        return queued.select_related(*self.select_related)

    default_sort = "accept_due"

    def extra_context(self, request):
        return {"title": _("Dispatch queue"), "bulk_form": BulkDispatchForm(prefix="bulk", user=request.user)}


class BulkDispatchView(LoginRequiredMixin, View):
    """POST the ticked demands of the queue (with the version each showed) to one lead department; every
    demand's outcome is said on its own, and a refused one stays in the queue as it was."""

    def post(self, request):
        if not permissions.is_office(request.user):
            raise PermissionDenied
        form = BulkDispatchForm(request.POST, prefix="bulk", user=request.user)
        picks = []
        for pk in request.POST.getlist("demand"):
            if pk.isdigit():
                picks.append((int(pk), request.POST.get(f"version-{pk}")))
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}{_(': ')}{' '.join(errors)}" if label else " ".join(errors))
            return redirect("demands:queue")
        data = form.cleaned_data
        try:
            outcomes = services.dispatch_selected(request.user, picks, data["lead"], data["co"])
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("demands:queue")
        done = [o.number for o in outcomes if o.ok]
        if done:
            messages.success(request, _("Dispatched %(n)d to %(lead)s: %(numbers)s") % {
                "n": len(done), "lead": data["lead"], "numbers": pgettext("enumeration", ", ").join(done)})
        for o in outcomes:
            if not o.ok:
                messages.error(request, _("%(number)s not dispatched: %(why)s") % {"number": o.number, "why": o.error})
        return redirect("demands:queue")


class InboxView(DemandListBase):
    """A department's inbox: what it handles now, nearest deadline first; a partner institution's, the
    financing demands it co-handles."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in (Role.HANDLER, Role.PARTNER):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self, request):
        handling = Assignment.objects.filter(demand=OuterRef("pk"), department_id=request.user.organization_id,
                                             active=True)
        return super().get_queryset(request).filter(Exists(handling), BEING_HANDLED)

    default_sort = "resolve_due"

    def extra_context(self, request):
        if request.user.role == Role.PARTNER:
            return {"title": _("Financing demands we co-handle")}
        return {"title": _("My department's inbox")}


def visible_demand(request, pk):
    return get_object_or_404(
        Demand.objects.restrict(request.user).select_related(
            "organization", "category", "chain", "lead_department", "merged_into", "chain_issue"), pk=pk)


def form_kwargs(name, demand, user):
    """What a step's form needs besides the data: the demand and the user for the lookups it scopes."""
    scoped = {"demand": demand, "user": user}
    return {"link_issue": scoped, "escalate": scoped, "merge": {"user": user}, "answer": {"demand": demand},
            "close": {"demand": demand}, "refer_down": {"demand": demand}, "dispatch": {"user": user},
            "reassign": {"user": user}, "add_partner": {"user": user}}.get(name, {})


def link_recommendations(events, user):
    """Give each recommended-resource event the page of its item (`link`), if user may open it: a withdrawn
    item, or one out of the user's sight, stays a name."""
    for e in events:
        if e.type == EventType.RECOMMENDED:
            model = apps.get_model(e.data["app"], e.data["kind"])
            item = model.objects.restrict(user).filter(pk=e.data["item"]).first()
            e.link = item.get_absolute_url() if item else None


def detail_context(request, demand, forms=None):
    actions = permissions.available_actions(demand, request.user)
    forms = forms or {}
    action_forms = {}
    for name in actions:
        form_class = ACTION_FORMS[name]
        kwargs = form_kwargs(name, demand, request.user)
        if name == "dispatch":
            lead, co = services.suggest_departments(demand)
            kwargs["initial"] = {"lead": lead, "co": co}
        action_forms[name] = forms.get(name) or form_class(prefix=name, **kwargs)
    events = list(demand.events.select_related("actor").prefetch_related("attachments"))
    link_recommendations(events, request.user)
    merged = Demand.objects.filter(merged_into=demand)
    return {
        "demand": demand,
        "action_forms": action_forms,
        "events": events,
        "recommended": [e for e in events if e.type == EventType.RECOMMENDED],
        "merged": merged,
        "merged_events": [(m, m.events.select_related("actor")) for m in merged],
        "assignments": demand.assignments.select_related("department"),
        "attachments": demand.attachments.all(),
        "now": timezone.now(),
        "overdue": demand.status in RUNNING_STATUSES and demand.resolve_due and demand.resolve_due < timezone.now(),
        # read only, seen from the region above: said instead of the steps, and no resources to attach
        "overseen": None if actions or permissions.acts_on(request.user, demand) else permissions.OVERSIGHT_ONLY,
    }


class DemandView(LoginRequiredMixin, View):
    def get(self, request, pk):
        demand = visible_demand(request, pk)
        return render(request, "demands/demand.html", detail_context(request, demand))


class ActionView(LoginRequiredMixin, View):
    """POST one step; a refused step shows its message next to the form, and the demand stays as it was."""

    def post(self, request, pk, action):
        demand = visible_demand(request, pk)
        if action not in ACTION_FORMS:
            raise Http404
        if not permissions.acts_on(request.user, demand):  # overseen from the region above: read only
            raise PermissionDenied(str(permissions.OVERSIGHT_ONLY))
        kwargs = form_kwargs(action, demand, request.user)
        form = ACTION_FORMS[action](request.POST, request.FILES, prefix=action, **kwargs)
        if form.is_valid():
            try:
                services.perform(action, demand, request.user, form.cleaned_data, request.POST.get("version"))
            except services.ConflictError as e:
                messages.error(request, str(e))
                return redirect(demand)
            except (services.TransitionError, PermissionDenied, ValidationError) as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Done."))
                return redirect(demand)
        demand.refresh_from_db()
        context = detail_context(request, demand, {action: form})
        if action not in context["action_forms"]:  # its form is not on the page: say why in a message
            for error in form.non_field_errors():
                messages.error(request, error)
        context["open_action"] = action
        return render(request, "demands/demand.html", context, status=400)


class DemandCreateView(StaffOnlyMixin, LoginRequiredMixin, View):
    """Record a demand on an enterprise's behalf, from a visit, symposium, meeting, hotline or proposal."""

    template_name = "demands/demand_form.html"

    def dispatch(self, request, *args, **kwargs):
        # a department handler is staff but records no demands (permissions.may_record): 403, as from the API
        if request.user.is_authenticated and not permissions.may_record(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = StaffDemandForm(user=request.user, initial={"organization": request.GET.get("organization")})
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = StaffDemandForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                demand = services.submit(request.user, services.Intake(
                    organization=data["organization"], category=data["category"], title=data["title"],
                    description=data["description"], channel=data["channel"], priority=data["priority"],
                    proposer=data["proposer"]), data["files"])
            except ValidationError as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Recorded demand %(n)s.") % {"n": demand.number})
                return redirect(demand)
        return render(request, self.template_name, {"form": form}, status=400)


class AttachmentView(LoginRequiredMixin, View):
    def get(self, request, pk):
        attachment = get_object_or_404(Attachment, pk=pk)
        visible_demand(request, attachment.demand_id)
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


class DispatchRuleListView(StaffOnlyMixin, LoginRequiredMixin, View):
    def get(self, request):
        rules = DispatchRule.objects.restrict(request.user).select_related(
            "category", "district", "chain", "lead_department").prefetch_related("co_departments")
        editable = set(DispatchRule.objects.restrict(request.user, "change").values_list("pk", flat=True))
        return render(request, "demands/rules.html", {"rules": rules, "editable": editable,
                                                      "can_edit": can_change_any(DispatchRule, request.user)})


class DispatchRuleHistoryView(StaffOnlyMixin, LoginRequiredMixin, View):
    """Every change of one dispatch rule: who, when, and field by field what it was and became."""

    model = DispatchRule

    def get(self, request, pk):
        rule = get_object_or_404(DispatchRule.objects.restrict(request.user), pk=pk)
        return render(request, "demands/rule_history.html", {"rule": rule, "changes": services.rule_changes(rule)})


class DispatchRuleEditView(ObjectEditView):
    """Add or change a dispatch rule: ObjectEditView's scoping (404 unseen, 403 not the user's to change)."""

    model = DispatchRule
    form_class = DispatchRuleForm

    def post(self, request, pk=None):
        rule = self.get_object(request, pk)
        form = self.get_form(request, rule, request.POST)
        if not form.is_valid():
            return self.render_form(request, form, rule)
        services.save_rule(request.user, form.save(commit=False), form.cleaned_data["co_departments"],
                           changed=form.has_changed())
        messages.success(request, _("Saved the dispatch rule."))
        return redirect("demands:rules")


class StandardReplyListView(StaffOnlyMixin, LoginRequiredMixin, View):
    """标准答复 per category: staff read them (handlers pick them on a demand); the chain office keeps them."""

    def get(self, request):
        replies = StandardReply.objects.restrict(request.user).select_related("category")
        return render(request, "demands/standard_replies.html", {
            "replies": replies, "can_edit": can_change_any(StandardReply, request.user)})


class StandardReplyEditView(ObjectEditView):
    model = StandardReply
    form_class = StandardReplyForm


@heavy_read
class MetricsView(StaffOnlyMixin, LoginRequiredMixin, View):
    def get(self, request):
        # A wrong date (9999-12-31 overflowed the date arithmetic: a 500) is a 400 with the message at its
        # field; the page then shows the default period.
        start, end, errors = metrics.parse_period(request.GET, timezone.localdate())
        by = request.GET.get("by") if request.GET.get("by") in metrics.GROUPS else "department"
        rows, total, ranking = metrics.page(by, start, end, user=request.user)
        if request.GET.get("export") == "xlsx" and not errors:
            headers = [str(metrics.GROUPS[by][2]), _("Received"), _("Response rate %"), _("Resolution rate %"),
                       _("Satisfaction rate %"), _("Average working days to close"), _("Resolved"),
                       _("Closed, not solved"), _("Overdue"), _("Sent back"), _("Reopened"), _("Open")]
            response = xlsx_response("demand-metrics", headers, [
                [f.name, f.received, f.response_rate, f.resolution_rate, f.satisfaction_rate, f.avg_working_days,
                 f.resolved, f.unresolved, f.overdue, f.sent_back, f.reopened, f.open] for f in [*rows, total]])
            record_export(request, "demands.metrics", len(rows), request.GET)  # every export is in the audit trail
            return response
        return render(request, "demands/metrics.html", {
            "rows": rows, "total": total, "ranking": ranking, "by": by, "groups": metrics.GROUPS,
            "proposals": self.proposals(request.user, start, end), "proposal_columns": proposals.COLUMNS,
            "start": start, "end": end, "errors": errors, "missing_years": missing_calendar_years(),
            "chart": {"names": [f.name for f in ranking],
                      "labels": [_("Response rate"), _("Resolution rate"), _("Satisfaction rate")],
                      "response": [f.response_rate for f in ranking],
                      "resolution": [f.resolution_rate for f in ranking],
                      "satisfaction": [f.satisfaction_rate for f in ranking]},
        }, status=400 if errors else 200)

    @staticmethod
    def proposals(user, start, end):
        """The proposal figures (建议提案) of the period among the demands user sees, for those who report them
        (proposals.may_view); None for the others."""
        if not proposals.may_view(user):
            return None
        return proposals.compute(metrics.period_queryset(Demand.objects.restrict(user, "view"), start, end))
