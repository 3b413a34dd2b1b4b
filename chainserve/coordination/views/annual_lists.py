"""Annual list pages: the lists, items, updates, evidence and the Excel import."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainserve.core.forms import add_service_error
from chainserve.core.importing.views import WorkbookImportView
from chainserve.core.views import ObjectEditView, ObjectListView

from .. import services
from ..filtersets import AnnualListFilterSet, ListItemFilterSet
from ..forms import AnnualListForm, ItemUpdateForm, ListItemForm, MilestoneForm
from ..models import AnnualList, ItemUpdate, ListItem, Milestone
from ..tables import AnnualListTable, ListItemTable
from .base import _can_change, _history, _visible


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
    return _tree(annual_list.items.with_lateness().select_related("owner").prefetch_related("milestones")
                 .order_by("code", "pk"))


def _overall(items):
    roots = [i for i in items if i.parent_id is None]
    return services.weighted_progress([(i.progress, i.weight) for i in roots])


class AnnualListView(LoginRequiredMixin, View):
    def get(self, request, pk):
        annual_list = _visible(request, AnnualList, pk, "chain")
        items = _list_items(annual_list)
        return render(request, "coordination/annual_list.html", {
            "annual_list": annual_list, "items": items, "overall": _overall(items),
            "behind": sum(1 for i in items if i.behind),
            "can_edit": _can_change(request, annual_list), "history": _history(annual_list),
        })


class ListImportView(WorkbookImportView):
    """The import page of one annual list's items: only those who may change the list (its office) import
    into it."""

    importers = (services.ListImporter,)
    title = gettext_lazy("Import items from Excel")
    help_text = gettext_lazy(
        "Columns: 序号, 上级序号, 项目名称, 责任单位, 权重, 目标, 节点 (e.g. 2026-03-31 完成选址; 2026-06-30 开工). An item "
        "whose number is in the list is updated. If any row is wrong, nothing is imported.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.annual_list = _visible(request, AnnualList, kwargs["pk"])
            if not _can_change(request, self.annual_list):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def options(self, request):
        return {"annual_list": self.annual_list.pk}


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

    def get_queryset(self, request):
        return super().get_queryset(request).with_lateness()


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
                add_service_error(form, e)
            else:
                messages.success(request, _("Saved %(name)s.") % {"name": item})
                return redirect(item)
        return self.render_form(request, form, obj)


# The steps a list item's page posts (its `step` field); the API's list-items/{id}/updates/ and …/milestones/ do
# the same (tests/test_api_parity.py).
ITEM_STEPS = ("update", "milestone", "milestone-done")


class ListItemView(LoginRequiredMixin, View):
    def get(self, request, pk, forms=None, status=200):
        item = get_object_or_404(ListItem.objects.restrict(request.user).with_lateness().select_related(
            "annual_list__chain", "owner", "parent", "contact"), pk=pk)
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
                    services.add_milestone(item, request.user, d["due_on"], d["title"], d["target_progress"])
            except (ValidationError, services.CoordinationError) as e:
                add_service_error(form, e)
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
