"""Joint activity pages: sign-up, registrations, check-in, outcome, cancelling."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.choices import Role
from chainserve.core.forms import add_service_error
from chainserve.core.models import can_create
from chainserve.core.views import ObjectEditView, ObjectListView

from .. import services
from ..choices import ActivityStatus
from ..filtersets import ActivityFilterSet
from ..forms import ActivityForm, CancelForm, CheckInForm, OutcomeForm, SignUpForm
from ..models import Activity, Agreement, Attendee, Registration
from ..tables import ActivityTable
from .base import _can_change, _history, _visible


class ActivityListView(ObjectListView):
    model = Activity
    filterset_class = ActivityFilterSet
    table_class = ActivityTable
    add_url = reverse_lazy("coordination:activity-add")


class ActivityEditView(ObjectEditView):
    model = Activity
    form_class = ActivityForm


class ActivityView(LoginRequiredMixin, View):
    def get(self, request, pk, forms=None, status=200):
        activity = _visible(request, Activity, pk, "chain", "organizer")
        forms = forms or {}
        user = request.user
        registrations = Registration.objects.restrict(user).filter(activity=activity).select_related(
            "organization").prefetch_related("attendees")
        own = None
        if user.role == Role.ENTERPRISE:
            own = registrations.filter(organization_id=user.organization_id).first()
        # Counted over every registration, not the viewer's scope; shown only to those who see the list.
        shows_registrations = activity.shows_registrations_to(user)
        can_edit = _can_change(request, activity)
        open_for_signup = activity.status == ActivityStatus.PLANNED and activity.starts_at >= timezone.now()
        return render(request, "coordination/activity.html", {
            "activity": activity,
            "registrations": registrations,
            "own": own,
            "can_edit": can_edit,
            "can_record_agreement": can_edit or (user.role == Role.PARTNER and can_create(Agreement, user)),
            "can_sign_up": user.role == Role.ENTERPRISE and own is None and open_for_signup
            and activity.open_to_enterprises,
            "signup_form": forms.get("signup") or SignUpForm(prefix="signup"),
            "outcome_form": forms.get("outcome") or OutcomeForm(prefix="outcome", initial={
                "outcome": activity.outcome, "leads_found": activity.leads_found,
                "demands_raised": activity.demands_raised}),
            "agreements": Agreement.objects.restrict(user).filter(activity=activity).select_related(
                "institution", "enterprise"),
            "shows_registrations": shows_registrations,
            "attendee_count": Attendee.objects.filter(registration__activity=activity).count()
            if shows_registrations else None,
            "cancel_form": forms.get("cancel") or CancelForm(prefix="cancel"),
            "history": _history(activity) if user.is_staff_role else [],
        }, status=status)


class SignUpView(ActivityView):
    def post(self, request, pk):
        activity = _visible(request, Activity, pk)
        form = SignUpForm(request.POST, prefix="signup")
        if form.is_valid():
            try:
                reg = services.sign_up(activity, request.user, request.user.organization, form.attendees(),
                                       form.cleaned_data["note"])
            except (ValidationError, services.CoordinationError, PermissionDenied) as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Signed up. Show the QR code or the check-in code %(c)s at the entrance.")
                                 % {"c": reg.code})
                return redirect(reg)
        return self.get(request, pk, {"signup": form}, status=400)


class OutcomeView(ActivityView):
    def post(self, request, pk):
        activity = _visible(request, Activity, pk)
        form = OutcomeForm(request.POST, prefix="outcome")
        if form.is_valid():
            try:
                services.record_outcome(activity, request.user, **form.cleaned_data)
            except (ValidationError, services.CoordinationError, PermissionDenied) as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("Done."))
                return redirect(activity)
        return self.get(request, pk, {"outcome": form}, status=400)


class RegistrationView(LoginRequiredMixin, View):
    def get(self, request, pk):
        reg = _visible(request, Registration, pk, "activity", "organization")
        activity = reg.activity
        return render(request, "coordination/registration.html", {
            "reg": reg,
            "can_cancel": (request.user.organization_id == reg.organization_id or _can_change(request, reg))
            and activity.status == ActivityStatus.PLANNED and activity.starts_at >= timezone.now(),
            "attendees": reg.attendees.select_related("checked_in_by"),
            "can_check_in": request.user.is_staff_role and _can_change(request, reg),
            "check_in_url": request.build_absolute_uri(reverse("coordination:check-in") + f"?code={reg.code}"),
        })

    def post(self, request, pk):
        reg = _visible(request, Registration, pk)
        ids = [int(i) for i in request.POST.getlist("attendee") if i.isdigit()] or None
        try:
            n = services.check_in(reg, request.user, ids)
        except PermissionDenied:
            raise
        messages.success(request, _("%(n)d attendees checked in.") % {"n": n})
        return redirect(reg)


class CancelRegistrationView(LoginRequiredMixin, View):
    """The enterprise withdraws its sign-up (after the confirming step on the registration page)."""

    def post(self, request, pk):
        reg = _visible(request, Registration, pk, "activity")
        try:
            activity = services.cancel_registration(reg, request.user)
        except services.CoordinationError as e:
            messages.error(request, str(e))
            return redirect(reg)
        messages.success(request, _("Your registration is cancelled; the places are free again."))
        return redirect(activity)


class RegistrationQRView(LoginRequiredMixin, View):
    """The registration's check-in QR code as SVG: it opens the check-in page with the code filled in."""

    def get(self, request, pk):
        reg = _visible(request, Registration, pk)
        url = request.build_absolute_uri(reverse("coordination:check-in") + f"?code={reg.code}")
        out = io.BytesIO()
        segno.make(url, error="m").save(out, kind="svg", scale=5, dark="#000", light="#fff")
        return HttpResponse(out.getvalue(), content_type="image/svg+xml")


class CheckInView(LoginRequiredMixin, View):
    """Staff at the entrance type or scan a code and land on that registration to check its attendees in."""

    def get(self, request):
        if not request.user.is_staff_role:
            raise PermissionDenied
        form = CheckInForm(request.GET or None)
        if form.is_bound and form.is_valid():
            reg = services.find_registration(request.user, form.cleaned_data["code"])
            if reg is not None:
                return redirect(reg)
            form.add_error("code", _("No registration of an activity you run has this code."))
        return render(request, "coordination/check_in.html", {"form": form})


class CancelActivityView(ActivityView):
    def post(self, request, pk):
        activity = _visible(request, Activity, pk)
        if not _can_change(request, activity):
            raise PermissionDenied
        form = CancelForm(request.POST, prefix="cancel")
        if form.is_valid():
            try:
                services.cancel_activity(activity, request.user, form.cleaned_data["reason"])
            except (ValidationError, services.CoordinationError, PermissionDenied) as e:
                add_service_error(form, e)
            else:
                messages.success(request, _("The activity is cancelled; those signed up are told."))
                return redirect(activity)
        return self.get(request, pk, {"cancel": form}, status=400)
