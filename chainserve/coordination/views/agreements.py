"""Agreement pages and the totals."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views import View

from chainserve.core.choices import Role
from chainserve.core.money import format_amount
from chainserve.core.views import ObjectEditView, ObjectListView

from .. import metrics, services
from ..choices import AgreementStatus
from ..filtersets import AgreementFilterSet
from ..forms import AgreementForm, PartnerAgreementForm, TotalsForm
from ..models import Activity, Agreement
from ..tables import AgreementTable
from .base import _can_change, _history, _visible


class AgreementListView(ObjectListView):
    model = Agreement
    filterset_class = AgreementFilterSet
    table_class = AgreementTable
    select_related = ("institution", "enterprise")
    add_url = reverse_lazy("coordination:agreement-add")


class AgreementEditView(ObjectEditView):
    model = Agreement
    form_class = AgreementForm

    def get_form(self, request, obj, data=None):
        form_class = PartnerAgreementForm if request.user.role == Role.PARTNER else AgreementForm
        return form_class(data, instance=obj, user=request.user, initial=self.get_initial(request, obj))

    def save(self, request, form):
        return services.record_agreement(request.user, form.save(commit=False))

    def get_initial(self, request, obj):
        if obj.pk is not None or not request.GET.get("activity"):
            return {}
        activity = Activity.objects.restrict(request.user).filter(pk=request.GET["activity"]).first()
        return {"activity": activity, "chain": activity.chain_id} if activity else {}


class AgreementTotalsView(LoginRequiredMixin, View):
    """Agreements by institution — count and total amount — over the agreements the user may see."""

    def get(self, request):
        form = TotalsForm(request.GET or None)
        d = form.cleaned_data if form.is_valid() else {}
        rows = metrics.agreement_totals(Agreement.objects.restrict(request.user), start=d.get("after"),
                                        end=d.get("before"), kind=d.get("kind"))
        params = {k: v for k, v in (("after", d.get("after")), ("before", d.get("before")), ("kind", d.get("kind")))
                  if v}
        for row in rows:
            row["amount"] = format_amount(row["amount_fen"])
            row["url"] = reverse("coordination:agreements") + "?" + urlencode({**params,
                                                                                "institution": row["institution_id"]})
        return render(request, "coordination/agreement_totals.html", {
            "form": form, "rows": rows, "count": sum(r["count"] for r in rows),
            "amount": format_amount(sum(r["amount_fen"] for r in rows))})


class AgreementView(LoginRequiredMixin, View):
    def get(self, request, pk):
        agreement = _visible(request, Agreement, pk, "institution", "enterprise", "activity", "chain")
        return render(request, "coordination/agreement.html", {
            "agreement": agreement, "can_edit": _can_change(request, agreement),
            "can_confirm": agreement.status == AgreementStatus.PENDING and request.user.role != Role.PARTNER
            and _can_change(request, agreement),
            "history": _history(agreement) if request.user.is_staff_role else []})


class ConfirmAgreementView(LoginRequiredMixin, View):
    """The chain office confirms an agreement a partner recorded."""

    def post(self, request, pk):
        agreement = _visible(request, Agreement, pk)
        try:
            services.confirm_agreement(agreement, request.user)
        except services.CoordinationError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Confirmed: it now counts in the figures."))
        return redirect(agreement)
