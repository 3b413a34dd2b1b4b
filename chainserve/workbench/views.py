from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.views import View

from chainserve.chains.models import Chain
from chainserve.registry.models import Organization


class HomeView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        if user.role == "enterprise" and user.organization_id:
            return redirect("portal:home")
        if not user.is_staff_role and user.organization_id:
            return redirect(user.organization.get_absolute_url())
        context = {
            "chains": Chain.objects.restrict(user).select_related("leader", "office")[:20],
            "org_count": Organization.objects.restrict(user).count(),
        }
        return render(request, "workbench/home.html", context)
