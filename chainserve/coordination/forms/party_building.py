"""Party-building forms: alliances, pairings, instructors and coverages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chainserve.core.choices import STAFF_ROLES
from chainserve.core.forms import ScopedModelForm
from chainserve.core.models import User
from chainserve.registry.choices import OrgKind
from chainserve.registry.forms import OrganizationField

from ..models import Alliance, AllianceMember, Coverage, InstructorAssignment, Pairing
from .base import ChainRecordForm, MembershipForm


class AllianceForm(ChainRecordForm):
    class Meta:
        model = Alliance
        fields = ["chain", "name", "founded_on", "description"]


class AllianceMemberForm(MembershipForm):
    class Meta:
        model = AllianceMember
        fields = ["organization", "role", "started_on", "ended_on"]


class _EnterpriseRecordForm(ScopedModelForm):
    enterprise = OrganizationField(label=_("enterprise"))

    def clean_enterprise(self):
        org = self.cleaned_data["enterprise"]
        if org is not None and org.kind != OrgKind.ENTERPRISE:
            raise forms.ValidationError(_("Choose an enterprise."))
        return org


class PairingForm(_EnterpriseRecordForm):
    agency_branch = OrganizationField(label=_("agency party branch"))

    class Meta:
        model = Pairing
        fields = ["agency_branch", "enterprise", "enterprise_branch", "started_on", "ended_on", "note"]

    def clean_agency_branch(self):
        org = self.cleaned_data["agency_branch"]
        if org is not None and org.kind not in (OrgKind.PARTY_ORG, OrgKind.DEPARTMENT):
            raise forms.ValidationError(_("Choose a party organisation or a department."))
        return org


class InstructorForm(_EnterpriseRecordForm):
    class Meta:
        model = InstructorAssignment
        fields = ["enterprise", "kind", "person", "user", "started_on", "ended_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role__in=STAFF_ROLES).order_by("username")


class CoverageForm(_EnterpriseRecordForm):
    class Meta:
        model = Coverage
        fields = ["enterprise", "kind", "started_on", "ended_on", "note"]
