"""Pages of the reports app: the bulletin, publishing and the published versions, the dashboard, the proposals,
the records behind a figure, the industry scale."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
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
    VisitFilterSet,
)
from chainserve.coordination.models import (
    Activity,
    Agreement,
    Coverage,
    InstructorAssignment,
    Meeting,
    Pairing,
    Visit,
)
from chainserve.coordination.tables import (
    ActivityTable,
    AgreementTable,
    CoverageTable,
    InstructorTable,
    MeetingTable,
    PairingTable,
    VisitTable,
)
from chainserve.core.audit import record_export
from chainserve.core.exports import XLSX_TYPE
from chainserve.core.forms import add_service_error
from chainserve.core.models import AuditEntry, can_change_any
from chainserve.core.routers import heavy_read
from chainserve.core.services import audit
from chainserve.core.views import ObjectEditView, ObjectListView, StaffOnlyMixin
from chainserve.demands.filtersets import DemandFilterSet
from chainserve.demands.models import Demand
from chainserve.demands.proposals import COLUMNS as PROPOSAL_COLUMNS
from chainserve.demands.tables import DemandTable
from chainserve.registry.filtersets import OrganizationFilterSet, ProductFilterSet
from chainserve.registry.models import Organization, Product
from chainserve.registry.tables import OrganizationTable, ProductTable

from . import cases, rollup, services
from .cases import MAX_CASES
from .dashboard import dashboard_data
from .document import Composition, compose, from_bulletin
from .exports import PDF_TYPE, pdf_bytes, proposals_xlsx, xlsx_bytes
from .figures import FIGURES, compute_all
from .figures import proposals as proposal_figures
from .filtersets import BulletinFilterSet, IndustryScaleFilterSet
from .forms import ComposeForm, IndustryScaleForm, ReportFilterForm, default_query
from .models import Bulletin, IndustryScale
from .tables import BulletinTable, IndustryScaleTable
from .wording import enumeration

# The list a figure's records are shown in: the owning app's FilterSet and columns.
RECORD_LISTS = {
    Demand: (DemandFilterSet, DemandTable),
    Meeting: (MeetingFilterSet, MeetingTable),
    Activity: (ActivityFilterSet, ActivityTable),
    Visit: (VisitFilterSet, VisitTable),
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
    data = data if data is not None else (request.GET if request.GET else default_query(request.user))
    return ReportFilterForm(data, user=request.user)


def _query_of(form):
    """The query string the filter form was given (its period as chosen: a year, a quarter … not only dates)."""
    data = {k: v for k, v in form.data.items() if k != "export"}
    return urlencode(data)


def export_response(request, doc, fmt, name, bulletin=None):
    """The bulletin as a download (xlsx or pdf), audited like every export."""
    if fmt == "xlsx":
        body = xlsx_bytes(doc, bulletin, base_url=request.build_absolute_uri("/")[:-1])
        response = HttpResponse(body, content_type=XLSX_TYPE)
    else:
        response = HttpResponse(pdf_bytes(doc), content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    audit(request, AuditEntry.Action.EXPORT, f"reports.bulletin.{fmt}?{request.GET.urlencode()}")
    return response


@heavy_read
class BulletinView(StaffOnlyMixin, View):
    """The bulletin of a period and scope as it would read if published now, from the records as they are;
    its exports; the way to compose and publish it."""

    def get(self, request):
        form = _filter_form(request)
        context = {"form": form}
        if form.is_valid():
            period, scope = form.period(), form.scope()
            doc = compose(request.user, period, scope)
            fmt = request.GET.get("export")
            if fmt in ("xlsx", "pdf"):
                return export_response(request, doc, fmt, "bulletin")
            context.update(doc=doc, query=urlencode(form.query()), chosen=_query_of(form),
                           may_publish=services.may_publish(request.user, scope.chain))
        return render(request, "reports/bulletin.html", context)


class ComposeView(StaffOnlyMixin, View):
    """Compose and publish: the office sees the draft bulletin of the period and scope (in the platform's
    language, as it will be published), edits the title and the lead paragraph, picks up to three typical
    cases and edits their paragraphs, previews, and publishes."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_change_any(Bulletin, request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, filters, form=None, doc=None, latest=None):
        return render(request, "reports/compose.html", {
            "filters": filters, "form": form, "doc": doc, "query": _query_of(filters) if doc else "", "latest": latest,
            "other_language": translation.get_language() != settings.LANGUAGE_CODE,
            "doc_language": settings.LANGUAGE_CODE})

    @heavy_read  # the draft's figures; publishing (the POST) writes on the primary
    def get(self, request):
        """The draft, started from the latest published version when there is one (its title, the lead
        paragraph the office wrote, its cases still of the period), else from the records alone."""
        filters = _filter_form(request)
        if not filters.is_valid():
            return self._render(request, filters)
        period, scope = filters.period(), filters.scope()
        latest = services.latest_version(request.user, period, scope)
        composition = Composition.of(latest) if latest else Composition()
        with translation.override(settings.LANGUAGE_CODE):
            candidates = cases.candidates(period, scope)
            offered, kept = {c.ref for c in candidates}, []
            for ref, title, text in composition.cases:
                if ref not in offered:  # a case chosen then but not among the first offered now
                    found = cases.find(period, scope, ref)
                    if found is None:  # no longer of the period (reopened since): left out
                        continue
                    candidates.append(found)
                kept.append((ref, title, text))
        composition.cases = kept
        doc = self._draft(request.user, period, scope, composition)
        initial = {"title": doc.title, "lead": doc.lead}
        for n, case in enumerate(doc.cases, 1):
            initial.update({f"case_{n}": case["ref"], f"case_{n}_title": case["title"], f"case_{n}_text": case["text"]})
        form = ComposeForm(initial=initial, candidates=candidates)
        return self._render(request, filters, form, doc, latest)

    def post(self, request):
        filters = _filter_form(request)
        if not filters.is_valid():
            return self._render(request, filters)
        period, scope, user = filters.period(), filters.scope(), request.user
        with translation.override(settings.LANGUAGE_CODE):
            candidates = cases.candidates(period, scope)
        form = ComposeForm(request.POST, candidates=candidates)  # its errors in the reader's language
        if not form.is_valid():
            return self._render(request, filters, form, self._draft(user, period, scope))
        composition = form.composition()
        if "publish" in request.POST:
            d = form.cleaned_data
            try:
                bulletin = services.publish(user, period, scope, d["title"], d["note"], d["lead"], composition.cases)
            except ValidationError as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Published %(issue)s, version %(version)s.") % {
                    "issue": bulletin.issue_label, "version": bulletin.version})
                return redirect(bulletin)
        try:
            doc = self._draft(user, period, scope, composition)
        except ValidationError as e:
            add_service_error(form, e)
            return self._render(request, filters, form, self._draft(user, period, scope))
        with translation.override(settings.LANGUAGE_CODE):
            filled = self._filled(request.POST, doc, candidates)
        for field, errors in form.errors.items():
            filled.add_error(None if field == "__all__" else field, errors)
        return self._render(request, filters, filled, doc)

    @staticmethod
    def _draft(user, period, scope, composition=None):
        with translation.override(settings.LANGUAGE_CODE):
            return compose(user, period, scope, composition)

    @staticmethod
    def _filled(data, doc, candidates):
        """The form again with the blanks filled as the preview shows them (the generated lead paragraph, each
        case's prefilled title and paragraph), to be edited from there."""
        data = data.copy()
        data["title"], data["lead"] = doc.title, doc.lead
        slots = [n for n in range(1, MAX_CASES + 1) if data.get(f"case_{n}")]
        for n, case in zip(slots, doc.cases, strict=False):
            data[f"case_{n}_title"], data[f"case_{n}_text"] = case["title"], case["text"]
        filled = ComposeForm(data, candidates=candidates)
        filled.is_valid()
        return filled


class BulletinListView(StaffOnlyMixin, ObjectListView):
    model = Bulletin
    filterset_class = BulletinFilterSet
    table_class = BulletinTable
    select_related = ("published_by__organization", "superseded_by")


@heavy_read
class PublishedView(StaffOnlyMixin, View):
    """A published bulletin as it was frozen, with what changed from the version it supersedes."""

    def get(self, request, pk):
        bulletin = (Bulletin.objects.restrict(request.user).select_related("supersedes", "published_by__organization")
                    .filter(pk=pk).first())
        if bulletin is None:
            raise Http404
        fmt = request.GET.get("export")
        if fmt in ("xlsx", "pdf"):
            # printed as it was published: in the platform's language, whoever downloads it
            with translation.override(settings.LANGUAGE_CODE):
                return export_response(request, from_bulletin(bulletin), fmt,
                                       f"bulletin-{bulletin.pk}-v{bulletin.version}", bulletin)
        doc = from_bulletin(bulletin)
        later = Bulletin.objects.restrict(request.user).filter(supersedes=bulletin).first()
        return render(request, "reports/published.html", {
            "bulletin": bulletin, "doc": doc, "differences": services.differences(bulletin),
            "text_changes": enumeration(services.changed_text(bulletin)), "later": later,
            # the bulletin reads as it was published, in the platform's language, around it the reader's
            "doc_language": settings.LANGUAGE_CODE})


def child_rows(form, period, scope):
    """The table of the regions below the page's region (下级地区): per child region its figures
    (rollup.CHILD_FIGURES, as reports print them) and the same page for it, the period and chain kept."""
    query = {k: v for k, v in form.data.items() if k not in ("export", "district", "region")}
    return [{"region": child, "values": {v.figure.key: v.display for v in report.values},
             "url": "?" + urlencode({**query, "district": child.pk})}
            for child, report in rollup.children(period, scope)]


@heavy_read
class DashboardView(StaffOnlyMixin, View):
    """The chain leader's dashboard: its charts read dashboard_data (JSON in the page, drawn by dashboard.js)."""

    def get(self, request):
        form = _filter_form(request, None if request.GET else default_query(request.user, region=True))
        context = {"form": form}
        if form.is_valid():
            period, scope = form.period(), form.scope()
            report = compute_all(period, scope, keys=KEY_FIGURES)
            context.update(report=report, period=period, data=dashboard_data(period, scope),
                           cards=[(v, v.figure.records_url(period, scope)) for v in report.values],
                           children=child_rows(form, period, scope))
        return render(request, "reports/dashboard.html", context, status=200 if form.is_valid() else 400)


KEY_FIGURES = {"meetings_held", "activities_held", "demands_received", "demands_resolved", "demands_open",
               "response_rate", "resolution_rate", "satisfaction_rate", "agreements_credit_fen", "enterprises"}


@heavy_read
class ProposalsView(LoginRequiredMixin, View):
    """The proposals (建议提案) of a period and scope: per lead unit and channel, received, answered, answered on
    time and the on-time rate, by grade; its workbook. For the admins and the chain offices."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.may_view_proposals(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = _filter_form(request)
        context = {"form": form}
        if form.is_valid():
            figures = proposal_figures.compute(form.period(), form.scope())
            if request.GET.get("export") == "xlsx":
                response = HttpResponse(proposals_xlsx(figures), content_type=XLSX_TYPE)
                response["Content-Disposition"] = 'attachment; filename="proposals.xlsx"'
                record_export(request, "reports.proposals", len(figures.units), request.GET)
                return response
            tables = [(_("By channel"), _("Channel"), figures.channels, "proposals-channels"),
                      (_("By lead unit"), _("Lead unit"), figures.units, "proposals-units")]
            context.update(figures=figures, columns=PROPOSAL_COLUMNS, tables=tables, chosen=_query_of(form),
                           chart={
                "names": [str(line.name) for line in figures.units],
                "labels": [str(PROPOSAL_COLUMNS[0]), str(PROPOSAL_COLUMNS[2])],
                "received": [line.received for line in figures.units],
                "on_time": [line.answered_on_time for line in figures.units]})
        return render(request, "reports/proposals.html", context, status=200 if form.is_valid() else 400)


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
