"""Visit pages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.forms import add_service_error
from chainserve.core.views import ObjectEditView, ObjectListView

from .. import services
from ..filtersets import VisitFilterSet
from ..forms import VisitDemandForm, VisitForm
from ..models import Visit
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
                add_service_error(form, e)
            else:
                messages.success(request, _("Demand %(n)s recorded from this visit.") % {"n": demand.number})
                return redirect(visit)
        return self.get(request, pk, form, status=400)
