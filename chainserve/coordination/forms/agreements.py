"""Agreement forms and the totals' filter."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from chainserve.chains.models import Chain
from chainserve.core.forms import BootstrapForm
from chainserve.core.money import FEN_PER_WAN
from chainserve.registry.choices import OrgKind
from chainserve.registry.forms import OrganizationField
from chainserve.registry.models import Organization

from ..choices import AgreementKind
from ..models import Activity, Agreement
from .base import ChainRecordForm


class AgreementForm(ChainRecordForm):
    institution = OrganizationField(label=_("institution"))
    enterprise = OrganizationField(label=_("enterprise"))
    amount = forms.DecimalField(label=_("Amount (万元)"), required=False, min_value=Decimal(0), max_digits=16,
                                decimal_places=6, help_text=_("In ten thousand yuan; kept exactly to the fen."))

    class Meta:
        model = Agreement
        fields = ["chain", "kind", "title", "institution", "enterprise", "amount", "signed_on", "activity", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.restrict(self.user, "change").order_by("-starts_at")
        if self.instance.amount_fen is not None:
            self.initial["amount"] = (Decimal(self.instance.amount_fen) / FEN_PER_WAN).normalize()

    def clean_enterprise(self):
        org = self.cleaned_data["enterprise"]
        if org is not None and org.kind != OrgKind.ENTERPRISE:
            raise forms.ValidationError(_("Choose an enterprise."))
        return org

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        if amount is not None:
            fen = amount * FEN_PER_WAN
            if fen != fen.to_integral_value():
                self.add_error("amount", _("Give the amount to the fen at most."))
            else:
                self.instance.amount_fen = int(fen)
        elif "amount" in data:
            self.instance.amount_fen = None
        return data


class PartnerAgreementForm(AgreementForm):
    """A partner records an agreement it signed: it is the institution; any chain, any enterprise by its name or
    USCC, an activity it can see."""

    institution = None

    class Meta(AgreementForm.Meta):
        fields = ["chain", "kind", "title", "enterprise", "amount", "signed_on", "activity", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.order_by("pk")
        self.fields["enterprise"].queryset = Organization.objects.filter(kind=OrgKind.ENTERPRISE)
        self.fields["enterprise"].help_text = _("Type its full name or its unified social credit code.")
        self.fields["activity"].queryset = Activity.objects.restrict(self.user).order_by("-starts_at")


class TotalsForm(BootstrapForm):
    after = forms.DateField(label=_("Signed from"), required=False)
    before = forms.DateField(label=_("Signed to"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *AgreementKind.choices], required=False)
