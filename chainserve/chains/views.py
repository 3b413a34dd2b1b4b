"""Pages of the chains app: chains, segment tree, chain map (ECharts), gaps, placements."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainserve.core.forms import add_service_error
from chainserve.core.importing.views import WorkbookImportView
from chainserve.core.models import can_change_any
from chainserve.core.services import save_record
from chainserve.core.views import ObjectEditView, ObjectListView

from . import services
from .choices import PlacementRole
from .filtersets import CandidateFilterSet, ChainFilterSet, LeadFilterSet, PlacementFilterSet
from .forms import CandidateForm, ChainForm, LeadForm, MoveLeadForm, PlacementForm, SegmentForm
from .models import Candidate, Chain, Lead, Placement, Segment
from .tables import CandidateTable, ChainTable, LeadTable, PlacementTable


def _chain(request, pk):
    return get_object_or_404(Chain.objects.restrict(request.user).select_related("leader", "office", "region"), pk=pk)


def _can_change(request, chain):
    return Chain.objects.restrict(request.user, "change").filter(pk=chain.pk).exists()


class ChainListView(ObjectListView):
    model = Chain
    filterset_class = ChainFilterSet
    table_class = ChainTable
    select_related = ("region", "leader", "office")

    add_url = reverse_lazy("chains:chain-add")


class ChainView(LoginRequiredMixin, View):
    def get(self, request, pk):
        chain = _chain(request, pk)
        key = Placement.objects.filter(chain=chain, role__in=[PlacementRole.CHAIN_OWNER, PlacementRole.CARRIER])
        return render(request, "chains/chain.html", {
            "chain": chain,
            "tree": services.segment_tree(chain),
            "owners": key.filter(role=PlacementRole.CHAIN_OWNER).select_related("organization", "segment"),
            "carriers": key.filter(role=PlacementRole.CARRIER).select_related("organization", "segment"),
            "can_edit": _can_change(request, chain),
            "above": Chain.objects.restrict(request.user).filter(pk=chain.parent_id).first() if chain.parent_id else None,
            "below": chain.district_chains.restrict(request.user).select_related("region")
            .annotate(placed=Count("placements", distinct=True)).order_by("region__path", "name"),
        })


class ChainEditView(ObjectEditView):
    """Admins and chain offices open chains; a chain's office staff edit it."""

    model = Chain
    form_class = ChainForm


class ChainMapView(LoginRequiredMixin, View):
    """产业链图谱: the chain's segments with their enterprises — and those of the chains below it that the user may
    see (a province's: its cities'), with a table of how many each chain below places on each segment."""

    def get(self, request, pk):
        chain = _chain(request, pk)
        below = services.below_stats(chain, request.user)
        data = services.map_data(chain, below)
        if request.GET.get("format") == "json":
            return JsonResponse(data)
        return render(request, "chains/map.html", {"chain": chain, "data": data, "hidden": below.hidden,
                                                   "breakdown": services.below_breakdown(chain, below)})


class GapView(LoginRequiredMixin, View):
    """The chain's gaps; its office also sees, for each, the candidates that would fill it and their leads."""

    def get(self, request, pk):
        chain = _chain(request, pk)
        # Office staff see only their own chains, so whoever may keep leads at all may see this chain's.
        attracting = can_change_any(Lead, request.user)
        gaps = services.gap_candidates(chain) if attracting else services.gaps(chain)
        return render(request, "chains/gaps.html", {"chain": chain, "gaps": gaps, "attracting": attracting})


class SegmentView(LoginRequiredMixin, View):
    def get(self, request, pk):
        segment = get_object_or_404(Segment.objects.restrict(request.user).select_related("chain", "parent"), pk=pk)
        placements = segment.placements.select_related("organization").order_by("role", "organization__name")
        return render(request, "chains/segment.html", {
            "segment": segment,
            "placements": placements[:200],
            "count": placements.count(),
            "children": segment.children.all(),
            "can_edit": _can_change(request, segment.chain),
        })


class SegmentEditView(ObjectEditView):
    model = Segment
    form_class = SegmentForm

    def get_initial(self, request, obj):
        return {"chain": request.GET.get("chain"), "parent": request.GET.get("parent")} if obj.pk is None else {}


class PlacementListView(ObjectListView):
    model = Placement
    filterset_class = PlacementFilterSet
    table_class = PlacementTable
    select_related = ("organization", "segment", "chain")


class PlacementAddView(ObjectEditView):
    model = Placement
    form_class = PlacementForm

    def get_initial(self, request, obj):
        return {"segment": request.GET.get("segment"), "organization": request.GET.get("organization")}

    def post(self, request, pk=None):
        obj = self.get_object(request, pk)
        form = self.get_form(request, obj, request.POST)
        if not form.is_valid():
            return self.render_form(request, form, obj)
        placement = services.place(request.user, form.save(commit=False))
        messages.success(request, _("Placed %(org)s on %(seg)s.") % {"org": placement.organization,
                                                                    "seg": placement.segment})
        return redirect(placement.segment.get_absolute_url())


# ---------------------------------------------------------------- targeted investment attraction

class CandidateListView(ObjectListView):
    model = Candidate
    filterset_class = CandidateFilterSet
    table_class = CandidateTable
    template_name = "chains/candidate_list.html"
    select_related = ("chain",)
    prefetch_related = ("segments",)
    add_url = reverse_lazy("chains:candidate-add")


class CandidateView(LoginRequiredMixin, View):
    def get(self, request, pk):
        candidate = get_object_or_404(Candidate.objects.restrict(request.user).select_related("chain"), pk=pk)
        leads = candidate.leads.select_related("segment", "owner")
        pursued = {lead.segment_id for lead in leads}
        return render(request, "chains/candidate.html", {
            "candidate": candidate,
            "leads": leads,
            "open_segments": [s for s in candidate.segments.all() if s.pk not in pursued],
            "can_edit": Candidate.objects.restrict(request.user, "change").filter(pk=pk).exists(),
            "history": candidate.history.select_related("history_user")[:50],
        })


class CandidateEditView(ObjectEditView):
    model = Candidate
    form_class = CandidateForm

    def get_initial(self, request, obj):
        return {"chain": request.GET.get("chain")} if obj.pk is None else {}

    def post(self, request, pk=None):
        candidate = self.get_object(request, pk)
        form = self.get_form(request, candidate, request.POST)
        if form.is_valid():
            try:
                candidate = services.save_candidate(request.user, form.save(commit=False),
                                                    form.cleaned_data["segments"])
            except ValidationError as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Saved %(name)s.") % {"name": candidate})
                return redirect(candidate)
        return self.render_form(request, form, candidate)


class CandidateImportView(WorkbookImportView):
    importers = (services.CandidateImporter,)
    title = gettext_lazy("Import investment candidates from Excel")
    help_text = gettext_lazy(
        "The first row names the columns: 企业名称, 所在地区, 统一社会信用代码 (optional), 产业链 (the chain's "
        "name), 环节 (the segments it would fill, separated by 、), 主要产品, 规模, 年营收(元), 备注. A candidate "
        "with the same name on the same chain is updated.")


class LeadListView(ObjectListView):
    model = Lead
    filterset_class = LeadFilterSet
    table_class = LeadTable
    select_related = ("candidate", "segment", "owner")
    add_url = reverse_lazy("chains:lead-add")


class LeadView(LoginRequiredMixin, View):
    def get(self, request, pk, form=None, status=200):
        lead = get_object_or_404(Lead.objects.restrict(request.user).select_related(
            "candidate", "segment", "chain", "owner"), pk=pk)
        return render(request, "chains/lead.html", {
            "lead": lead,
            "events": lead.events.select_related("by"),
            "form": form or MoveLeadForm(lead=lead),
            "can_edit": Lead.objects.restrict(request.user, "change").filter(pk=pk).exists(),
        }, status=status)

    def post(self, request, pk):
        lead = get_object_or_404(Lead.objects.restrict(request.user), pk=pk)
        form = MoveLeadForm(request.POST, lead=lead)
        if not form.is_valid():
            return self.get(request, pk, form)
        d = form.cleaned_data
        try:
            lead = services.move_lead(lead, request.user, d["stage"], d["version"], d["amount"], d["note"])
        except ValidationError as e:
            add_service_error(form, e)
            return self.get(request, pk, form)
        except services.LeadConflict as e:
            form.add_error(None, str(e))
            return self.get(request, pk, form, status=409)
        messages.success(request, _("The lead is now %(stage)s.") % {"stage": lead.get_stage_display().lower()})
        return redirect(lead)


class LeadEditView(ObjectEditView):
    """Open a lead (through the service, which writes its first event) or change who follows it."""

    model = Lead
    form_class = LeadForm

    def get_initial(self, request, obj):
        if obj.pk is not None:
            return {}
        return {"candidate": request.GET.get("candidate"), "segment": request.GET.get("segment"),
                "owner": request.user.pk}

    def post(self, request, pk=None):
        lead = self.get_object(request, pk)
        form = self.get_form(request, lead, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if lead.pk is None:
                    lead = services.start_lead(request.user, d["candidate"], d["segment"], d["note"], d["owner"])
                else:
                    lead = save_record(request.user, form.save(commit=False))
            except ValidationError as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Saved %(name)s.") % {"name": lead})
                return redirect(lead)
        return self.render_form(request, form, lead)
