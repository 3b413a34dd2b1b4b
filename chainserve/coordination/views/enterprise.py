"""The enterprise's own page of its coordination records."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from chainserve.core.choices import Role

from ..choices import ActivityStatus
from ..models import Activity, Agreement, Coverage, InstructorAssignment, Pairing, Registration, Visit


class MineView(LoginRequiredMixin, View):
    """An enterprise's activities open for sign-up, its registrations, agreements, visits, pairings,
    instructors and coverages."""

    def get(self, request):
        user = request.user
        if user.role != Role.ENTERPRISE or not user.organization_id:
            raise PermissionDenied
        return render(request, "coordination/mine.html", {
            "org": user.organization,
            "upcoming": Activity.objects.restrict(user).filter(
                status=ActivityStatus.PLANNED, starts_at__gte=timezone.now()).order_by("starts_at")[:20],
            "registrations": Registration.objects.restrict(user).select_related("activity").order_by(
                "-activity__starts_at")[:50],
            "agreements": Agreement.objects.restrict(user).select_related("institution", "activity")[:50],
            "visits": Visit.objects.restrict(user).select_related("visitor")[:20],
            "pairings": list(Pairing.objects.restrict(user).select_related("agency_branch")),
            "instructors": list(InstructorAssignment.objects.restrict(user).select_related("person", "user")),
            "coverages": list(Coverage.objects.restrict(user)),
        })
