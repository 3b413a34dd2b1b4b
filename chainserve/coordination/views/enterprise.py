"""The own page of coordination records: an enterprise's, or a partner institution's."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from chainserve.core.choices import Role
from chainserve.core.models import can_create

from ..choices import ActivityStatus
from ..models import Activity, Agreement, Coverage, InstructorAssignment, Pairing, Registration, Visit


class MineView(LoginRequiredMixin, View):
    """An enterprise's activities open for sign-up, its registrations, agreements, visits, pairings,
    instructors and coverages."""

    def get(self, request):
        user = request.user
        if user.role not in (Role.ENTERPRISE, Role.PARTNER) or not user.organization_id:
            raise PermissionDenied
        if user.role == Role.PARTNER:
            return self.partner(request, user)
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

    def partner(self, request, user):
        """A partner's activities it hosts, with who signed up, and the agreements it signed (待确认 first)."""
        hosted = Activity.objects.filter(organizer_id=user.organization_id).annotate(
            signed_up=Count("registrations", distinct=True),
            attendees=Count("registrations__attendees", distinct=True)).order_by("-starts_at")[:20]
        return render(request, "coordination/mine_partner.html", {
            "org": user.organization,
            "hosted": hosted,
            "agreements": Agreement.objects.restrict(user).select_related("enterprise", "activity").order_by(
                "-status", "-signed_on", "-pk")[:50],
            "can_record": can_create(Agreement, user),
        })
