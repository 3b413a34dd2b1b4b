"""Visit pages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.forms import add_service_error
from chainserve.core.views import ObjectEditView, ObjectListView

from .. import services
from ..filtersets import VisitFilterSet
from ..forms import VisitDemandForm, VisitFilesForm, VisitForm
from ..models import Visit, VisitFile
from ..tables import VisitTable
from .base import _can_change, _visible


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
    def get(self, request, pk, form=None, status=200, files_form=None):
        visit = _visible(request, Visit, pk, "organization", "visitor")
        staff = request.user.is_staff_role
        return render(request, "coordination/visit.html", {
            "visit": visit,
            "others": services.recent_visits_by_others(visit.organization, visit.visitor, visit.visited_on,
                                                       exclude=visit) if staff else [],
            "demands": visit.demands.restrict(request.user).select_related("category"),
            "can_edit": _can_change(request, visit),
            "form": form or VisitDemandForm(),
            "files": visit.files.all(),
            "files_form": files_form or VisitFilesForm(),
        }, status=status)

    def post(self, request, pk):
        visit = _visible(request, Visit, pk, "organization")
        form = VisitDemandForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                demand = services.demand_from_visit(visit, request.user, d["category"], d["title"], d["description"])
            except (ValidationError, PermissionDenied) as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Demand %(n)s recorded from this visit.") % {"n": demand.number})
                return redirect(visit)
        return self.get(request, pk, form, status=400)


class VisitFilesView(VisitView):
    """Photos and documents added to a visit by those who may change it."""

    def post(self, request, pk):
        visit = _visible(request, Visit, pk)
        if not _can_change(request, visit):
            raise PermissionDenied
        form = VisitFilesForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                kept = services.add_visit_files(visit, request.user, form.cleaned_data["files"])
            except ValidationError as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("%(n)d files added.") % {"n": len(kept)})
                return redirect(visit)
        return self.get(request, pk, status=400, files_form=form)


class VisitFileView(LoginRequiredMixin, View):
    """A visit's file, to those who may see the visit: a photo shown in the page, a document downloaded."""

    def get(self, request, pk):
        row = get_object_or_404(VisitFile, pk=pk)
        _visible(request, Visit, row.visit_id)
        return FileResponse(row.file.open("rb"), as_attachment=not row.is_image, filename=row.name,
                            content_type=row.content_type)
