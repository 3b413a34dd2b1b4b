"""The home page: each role's workbench — 工作台 — today's work first (the enterprise's is its portal home)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from chainserve.core.choices import Role
from chainserve.core.routers import heavy_read

from .panels.roles import panels_for


@heavy_read  # the workbench's panels are counts and lists: the replica may serve them
class HomeView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        if user.role == Role.ENTERPRISE and user.organization_id:
            return redirect("portal:home")
        return render(request, "workbench/home.html", {"panels": panels_for(user, timezone.now())})
