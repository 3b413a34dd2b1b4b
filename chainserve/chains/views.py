"""Pages of the chains app: chains, segment tree, chain map (ECharts), gaps, placements."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.views import ObjectEditView, ObjectListView

from . import services
from .choices import PlacementRole
from .filtersets import ChainFilterSet, PlacementFilterSet
from .forms import ChainForm, PlacementForm, SegmentForm
from .models import Chain, Placement, Segment
from .tables import ChainTable, PlacementTable


def _chain(request, pk):
    return get_object_or_404(Chain.objects.restrict(request.user).select_related("leader", "office", "district"), pk=pk)


def _can_change(request, chain):
    return Chain.objects.restrict(request.user, "change").filter(pk=chain.pk).exists()


class ChainListView(ObjectListView):
    model = Chain
    filterset_class = ChainFilterSet
    table_class = ChainTable
    select_related = ("district", "leader", "office")

    @property
    def add_url(self):
        return reverse("chains:chain-add") if self.request.user.is_admin_role else None


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
            "district_chains": chain.district_chains.restrict(request.user),
        })


class ChainEditView(ObjectEditView):
    """Admins open chains; a chain's office staff edit it."""

    model = Chain
    form_class = ChainForm

    def get_object(self, request, pk):
        if pk is None and not request.user.is_admin_role:
            raise PermissionDenied
        return super().get_object(request, pk)


class ChainMapView(LoginRequiredMixin, View):
    def get(self, request, pk):
        chain = _chain(request, pk)
        if request.GET.get("format") == "json":
            return JsonResponse(services.map_data(chain))
        return render(request, "chains/map.html", {"chain": chain, "data": services.map_data(chain)})


class GapView(LoginRequiredMixin, View):
    def get(self, request, pk):
        chain = _chain(request, pk)
        return render(request, "chains/gaps.html", {"chain": chain, "gaps": services.gaps(chain)})


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
