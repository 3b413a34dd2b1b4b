"""What the coordination forms share: departments, records of a chain, memberships, cancelling."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chainserve.chains.models import Chain
from chainserve.core.forms import BootstrapForm, ScopedModelForm
from chainserve.registry.choices import OrgKind
from chainserve.registry.forms import OrganizationField
from chainserve.registry.models import Organization


def _departments():
    return Organization.objects.filter(kind=OrgKind.DEPARTMENT).order_by("name")


class ChainRecordForm(ScopedModelForm):
    """A form of a record of a chain: the chains offered are those the user may change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.restrict(self.user, "change")


class MembershipForm(ScopedModelForm):
    """A unit's membership of a committee or an alliance: the unit, its role and dates."""

    organization = OrganizationField(label=_("organisation"))


class CancelForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}))
