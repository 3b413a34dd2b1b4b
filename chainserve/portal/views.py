"""The enterprise portal: my demands, raising a new one (phone-friendly pages)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.choices import Role
from chainserve.core.forms import add_service_error
from chainserve.demands.choices import OPEN_STATUSES, Status
from chainserve.demands.forms import PortalDemandForm
from chainserve.demands.models import Demand
from chainserve.demands.services.intake import Intake, SimilarDemandsFound, check_similar, submit

from .panels import TO_RATE, enterprise


class EnterpriseMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (request.user.role != Role.ENTERPRISE
                                              or not request.user.organization_id):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# The tabs of the enterprise's demand list: what each shows.
TABS = {"open": Q(status__in=OPEN_STATUSES), "waiting": Q(status=Status.WAITING), "to_rate": TO_RATE,
        "closed": ~Q(status__in=OPEN_STATUSES)}


class PortalHomeView(EnterpriseMixin, View):
    """The enterprise's home — its workbench: what its demands need from it, new matches, coming activities, and
    its demands by tab."""

    def get(self, request):
        demands = Demand.objects.restrict(request.user).select_related("category").order_by("-created")
        status = request.GET.get("status") if request.GET.get("status") in TABS else None
        if status:
            demands = demands.filter(TABS[status])
        page = Paginator(demands, 20).get_page(request.GET.get("page"))
        return render(request, "portal/home.html", {"page": page, "status": status, "params": f"status={status or ''}",
                                                    "org": request.user.organization,
                                                    "panels": enterprise(request.user, timezone.now())})


class PortalDemandCreateView(EnterpriseMixin, View):
    def get(self, request):
        return render(request, "demands/demand_form.html", {"form": PortalDemandForm(), "portal": True})

    def post(self, request):
        form = PortalDemandForm(request.POST, request.FILES)
        similar = None
        if form.is_valid():
            data = form.cleaned_data
            intake = Intake(organization=request.user.organization, category=data["category"],
                            title=data["title"], description=data["description"])
            try:
                # the warning's button sends confirm_new: raise it all the same
                check_similar(request.user, intake, request.POST.get("confirm_new") == "1")
                demand = submit(request.user, intake, data["files"])
            except SimilarDemandsFound as e:
                similar = e.matches
            except ValidationError as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Your demand %(n)s was received. You will be told of every step.")
                                 % {"n": demand.number})
                return redirect(demand)
        return render(request, "demands/demand_form.html", {"form": form, "portal": True, "similar": similar},
                      status=400)
