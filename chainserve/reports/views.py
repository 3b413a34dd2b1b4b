"""Pages of the reports app: the bulletin, publishing and the published versions, the dashboard, the records
behind a figure, the industry scale."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from chainserve.chains.filtersets import LeadFilterSet
from chainserve.chains.models import Lead
from chainserve.chains.tables import LeadTable
from chainserve.coordination.filtersets import (
    ActivityFilterSet,
    AgreementFilterSet,
    CoverageFilterSet,
    InstructorFilterSet,
    MeetingFilterSet,
    PairingFilterSet,
)
from chainserve.coordination.models import Activity, Agreement, Coverage, InstructorAssignment, Meeting, Pairing
from chainserve.coordination.tables import (
    ActivityTable,
    AgreementTable,
    CoverageTable,
    InstructorTable,
    MeetingTable,
    PairingTable,
)
from chainserve.core.exports import XLSX_TYPE
from chainserve.core.models import AuditEntry, can_change_any
from chainserve.core.services import audit
from chainserve.core.views import ObjectEditView, ObjectListView, StaffOnlyMixin
from chainserve.demands.filtersets import DemandFilterSet
from chainserve.demands.models import Demand
from chainserve.demands.tables import DemandTable
from chainserve.registry.filtersets import OrganizationFilterSet, ProductFilterSet
from chainserve.registry.models import Organization, Product
from chainserve.registry.tables import OrganizationTable, ProductTable

from . import services
from .dashboard import dashboard_data
from .exports import PDF_TYPE, lines, pdf_bytes, xlsx_bytes
from .figures import FIGURES, compute_all
from .filtersets import BulletinFilterSet, IndustryScaleFilterSet
from .forms import IndustryScaleForm, ReportFilterForm, default_query
from .models import Bulletin, IndustryScale
from .tables import BulletinTable, IndustryScaleTable

# The list a figure's records are shown in: the owning app's FilterSet and columns.
RECORD_LISTS = {
    Demand: (DemandFilterSet, DemandTable),
    Meeting: (MeetingFilterSet, MeetingTable),
    Activity: (ActivityFilterSet, ActivityTable),
    Agreement: (AgreementFilterSet, AgreementTable),
    Organization: (OrganizationFilterSet, OrganizationTable),
    Product: (ProductFilterSet, ProductTable),
    IndustryScale: (IndustryScaleFilterSet, IndustryScaleTable),
    Lead: (LeadFilterSet, LeadTable),
    Pairing: (PairingFilterSet, PairingTable),
    InstructorAssignment: (InstructorFilterSet, InstructorTable),
    Coverage: (CoverageFilterSet, CoverageTable),
}


def _filter_form(request, data=None):
    data = data if data is not None else (request.GET if request.GET else default_query())
    return ReportFilterForm(data, user=request.user)


def export_response(request, data, title, fmt, name, bulletin=None):
    """The bulletin data as a download (xlsx or pdf), audited like every export."""
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(data, title), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(pdf_bytes(data, title, bulletin), content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    audit(request, AuditEntry.Action.EXPORT, f"reports.bulletin.{fmt}?{request.GET.urlencode()}")
    return response


class BulletinView(StaffOnlyMixin, View):
    """The bulletin of a period and scope, computed now; exports; the publish button."""

    def get(self, request):
        form = _filter_form(request)
        context = {"form": form, "can_publish": can_change_any(Bulletin, request.user)}
        if form.is_valid():
            period, scope = form.period(), form.scope()
            report = compute_all(period, scope)
            title = services.default_title(period, scope)
            fmt = request.GET.get("export")
            if fmt in ("xlsx", "pdf"):
                return export_response(request, report.as_dict(), title, fmt, "bulletin")
            query = urlencode(form.query())
            context.update(report=report, title=title, query=query,
                           rows=[(label, [(v, v.figure.records_url(period, scope),
                                           [(k, lab, n, v.figure.records_url(period, scope, k))
                                            for k, lab, n in v.items]) for v in values])
                                 for label, values in report.groups()])
        return render(request, "reports/bulletin.html", context)


class PublishView(StaffOnlyMixin, View):
    def post(self, request):
        form = _filter_form(request, request.POST)
        if not form.is_valid():
            messages.error(request, _("The period or scope is not valid."))
            return redirect("reports:bulletin-live")
        try:
            bulletin = services.publish(request.user, form.period(), form.scope(), request.POST.get("title", ""),
                                        request.POST.get("note", ""))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect(f"{reverse('reports:bulletin-live')}?{urlencode(form.query())}")
        messages.success(request, _("Published version %(version)s.") % {"version": bulletin.version})
        return redirect(bulletin)


class BulletinListView(StaffOnlyMixin, ObjectListView):
    model = Bulletin
    filterset_class = BulletinFilterSet
    table_class = BulletinTable
    select_related = ("published_by__organization", "superseded_by")


class PublishedView(StaffOnlyMixin, View):
    """A published bulletin as it was frozen, with what changed from the version it supersedes."""

    def get(self, request, pk):
        bulletin = (Bulletin.objects.restrict(request.user).select_related("supersedes", "published_by__organization")
                    .filter(pk=pk).first())
        if bulletin is None:
            raise Http404
        fmt = request.GET.get("export")
        if fmt in ("xlsx", "pdf"):
            return export_response(request, bulletin.data, bulletin.title, fmt,
                                   f"bulletin-{bulletin.pk}-v{bulletin.version}", bulletin)
        later = Bulletin.objects.restrict(request.user).filter(supersedes=bulletin).first()
        return render(request, "reports/published.html", {
            "bulletin": bulletin, "lines": lines(bulletin.data), "differences": services.differences(bulletin),
            "later": later})


class DashboardView(StaffOnlyMixin, View):
    """The chain leader's dashboard: its charts read dashboard_data (JSON in the page, drawn by dashboard.js)."""

    def get(self, request):
        form = _filter_form(request, None if request.GET else default_query(request.user))
        context = {"form": form}
        if form.is_valid():
            period, scope = form.period(), form.scope()
            report = compute_all(period, scope, keys=KEY_FIGURES)
            context.update(report=report, period=period, data=dashboard_data(period, scope),
                           cards=[(v, v.figure.records_url(period, scope)) for v in report.values])
        return render(request, "reports/dashboard.html", context)


KEY_FIGURES = {"meetings_held", "activities_held", "demands_received", "demands_resolved", "demands_open",
               "response_rate", "resolution_rate", "satisfaction_rate", "agreements_credit_fen", "enterprises"}


class RecordsView(StaffOnlyMixin, ObjectListView):
    """The records behind one figure (or one item of a breakdown), in the owning app's list columns."""

    template_name = "reports/records.html"

    def get(self, request, key):
        self.figure = FIGURES.get(key)
        self.form = ReportFilterForm({k: request.GET.get(k, "") for k in ("start", "end", "chain", "district")},
                                     user=request.user)
        if self.figure is None or not self.form.is_valid():
            raise Http404
        self.item = request.GET.get("item") or None
        self.period, self.scope = self.form.period(), self.form.scope()
        self.records = self.figure.records(self.period, self.scope, self.item)
        model = self.records.model
        self.filterset_class, self.table_class = RECORD_LISTS[model]
        self.model = model
        return super().get(request)

    def get_queryset(self, request):
        return self.records

    def extra_context(self, request):
        item_label = dict(self.figure.items(self.period, self.scope)).get(self.item, "") if self.figure.items else ""
        return {"figure": self.figure, "period": self.period, "item_label": item_label,
                "back": f"?{urlencode(self.form.query())}", "title": self.table_class.title}


class IndustryScaleListView(StaffOnlyMixin, ObjectListView):
    model = IndustryScale
    filterset_class = IndustryScaleFilterSet
    table_class = IndustryScaleTable
    select_related = ("chain",)
    add_url = reverse_lazy("reports:scale-add")


class IndustryScaleEditView(StaffOnlyMixin, ObjectEditView):
    model = IndustryScale
    form_class = IndustryScaleForm

    def success_url(self, instance):
        return reverse("reports:scales")
