"""The history workbook's sheets of agreements (签约项目) and "1+1" pairings (结对共建), each kept from its own day.

An agreement counts in the figures of the year it was signed (by `signed_on`), a pairing in those of every day
it was current (`started_on` … `ended_on`); the record's change history starts on that day, and an ended
pairing's has a second entry on the day it ended, both marked imported.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.chains.models import Chain
from chainserve.core.importing import choice_lookup
from chainserve.demands.services.history import enterprises_named
from chainserve.registry.choices import OrgKind

from ...choices import AgreementKind, AgreementStatus
from ...models import Agreement, Pairing
from ..base import wan_to_fen
from .base import PastDateField, PastRowForm, PastSheet, by_name, cells, change_past, moment, organizations

ENTERPRISE = ["企业", "企业名称", "统一社会信用代码", "enterprise"]
AGREEMENT_HEADERS = {
    "chain": ["产业链", "chain"],
    "kind": ["签约类型", "类型", "kind"],
    "title": ["项目名称", "协议名称", "title"],
    "institution": ["签约机构", "机构", "institution"],
    "enterprise": ENTERPRISE,
    "amount": ["金额（万元）", "金额", "amount"],
    "signed_on": ["签约日期", "signed_on"],
    "status": ["状态", "status"],
    "note": ["备注", "note"],
}
PAIRING_HEADERS = {
    "agency_branch": ["机关党支部", "agency_branch"],
    "enterprise": ENTERPRISE,
    "enterprise_branch": ["企业党支部", "enterprise_branch"],
    "started_on": ["结对日期", "开始日期", "started_on"],
    "ended_on": ["结束日期", "ended_on"],
    "note": ["备注", "note"],
}


class PartiesRowForm(PastRowForm):
    """A row naming an enterprise, by its name or its credit code (统一社会信用代码)."""

    enterprise = forms.CharField()
    note = forms.CharField(required=False)

    def clean_enterprise(self):
        key, table = self.cleaned_data["enterprise"].strip(), self.refs["enterprise"]
        found = table.get(key.upper()) or table.get(key)
        if found is None:
            raise ValidationError(_("No enterprise has the name or credit code %(v)s.") % {"v": key})
        return found


class PastAgreementRowForm(PartiesRowForm):
    chain = forms.CharField()
    kind = forms.CharField()
    title = forms.CharField(max_length=200)
    institution = forms.CharField()
    amount = forms.DecimalField(min_value=0, max_value=10**12, required=False)
    signed_on = PastDateField()
    status = forms.CharField(required=False)

    def clean_chain(self):
        return self._found("chain", _("There is no chain called %(v)s."))

    def clean_kind(self):
        return self._choice("kind")

    def clean_institution(self):
        return self._found("institution", _("No organisation has the name %(v)s."))

    def clean_amount(self):
        try:
            return wan_to_fen(self.cleaned_data["amount"])
        except ValidationError as e:
            raise ValidationError(e.message_dict["amount"]) from None

    def clean_status(self):
        return self._choice("status") or AgreementStatus.CONFIRMED  # the office's records were confirmed

    def clean(self):
        data = super().clean()
        if not self.errors and data["institution"] == data["enterprise"].pk:
            self.add_error("institution", _("An agreement needs two different parties."))
        return data


class PastPairingRowForm(PartiesRowForm):
    agency_branch = forms.CharField()
    enterprise_branch = forms.CharField(max_length=120)
    started_on = PastDateField()
    ended_on = PastDateField(required=False)

    def clean_agency_branch(self):
        return self._found("agency_branch", _("No party organisation or department has the name %(v)s."))

    def clean(self):
        data = super().clean()
        self._ordered(data, "started_on", "ended_on")
        return data


class PartiesSheet(PastSheet):
    """A sheet whose rows name an enterprise (looked up among those the sheet names only)."""

    def refs(self, rows):
        return {"enterprise": enterprises_named(cells(rows, "enterprise"))}


class PastAgreementImporter(PartiesSheet):
    """The sheet of agreements (签约项目) of the history workbook: one is told apart by its two parties, its title
    and the day it was signed."""

    label = gettext_lazy("past agreements")
    sheet_names = ("签约项目", "协议", "agreements")
    columns = AGREEMENT_HEADERS
    row_form = PastAgreementRowForm
    model = Agreement

    def refs(self, rows):
        return super().refs(rows) | {
            "chain": by_name(Chain.objects.values_list("pk", "name")),
            "institution": organizations(cells(rows, "institution")),
            "kind": choice_lookup(AgreementKind.choices) | {"授信": AgreementKind.CREDIT},
            "status": choice_lookup(AgreementStatus.choices)}

    def identity(self, d):
        return d["enterprise"].pk, d["institution"], d["title"].strip(), d["signed_on"]

    def on_file(self, rows):
        return set(Agreement.objects.filter(title__in={d["title"].strip() for d in rows}).values_list(
            "enterprise_id", "institution_id", "title", "signed_on"))

    def build(self, d):
        confirmed = d["status"] == AgreementStatus.CONFIRMED
        return Agreement(chain_id=d["chain"], kind=d["kind"], title=d["title"].strip(),
                         institution_id=d["institution"], enterprise=d["enterprise"], amount_fen=d["amount"],
                         signed_on=d["signed_on"], note=d["note"].strip(), status=d["status"],
                         confirmed_at=moment(d["signed_on"]) if confirmed else None)

    def moment(self, obj):
        return moment(obj.signed_on)


class PastPairingImporter(PartiesSheet):
    """The sheet of "1+1" pairings (结对共建) of the history workbook: one is told apart by its agency branch, its
    enterprise and the day it started."""

    label = gettext_lazy("past pairings")
    sheet_names = ("结对共建", "结对", "pairings")
    columns = PAIRING_HEADERS
    required = "agency_branch"
    row_form = PastPairingRowForm
    model = Pairing

    def refs(self, rows):
        return super().refs(rows) | {"agency_branch": organizations(
            cells(rows, "agency_branch"), kind__in=[OrgKind.PARTY_ORG, OrgKind.DEPARTMENT])}

    def identity(self, d):
        return d["agency_branch"], d["enterprise"].pk, d["started_on"]

    def on_file(self, rows):
        return set(Pairing.objects.filter(enterprise__in={d["enterprise"].pk for d in rows}).values_list(
            "agency_branch_id", "enterprise_id", "started_on"))

    def build(self, d):
        # created as it began; the day it ended is its next step (written)
        return Pairing(agency_branch_id=d["agency_branch"], enterprise=d["enterprise"],
                       enterprise_branch=d["enterprise_branch"].strip(), started_on=d["started_on"],
                       note=d["note"].strip())

    def moment(self, obj):
        return moment(obj.started_on)

    def written(self, pairings, rows):
        ended = []
        for pairing, d in zip(pairings, rows, strict=True):
            if d["ended_on"]:
                pairing.ended_on = d["ended_on"]
                ended.append(pairing)
        change_past(Pairing, ended, ["ended_on"], self.user, lambda p: moment(p.ended_on))
