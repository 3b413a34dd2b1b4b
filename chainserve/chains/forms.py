"""Forms of the chains app."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chainserve.core.choices import Role
from chainserve.core.forms import BootstrapForm, ScopedModelForm, region_field
from chainserve.core.models import User, in_region
from chainserve.registry.forms import OrganizationField
from chainserve.registry.validators import clean_uscc

from .choices import LeadStage
from .models import LEVEL_ABOVE, Candidate, Chain, Lead, Placement, Segment, office_staff


class ChainForm(ScopedModelForm):
    class Meta:
        model = Chain
        fields = ["name", "level", "region", "parent", "leader", "office", "staff", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Office staff of the user's region subtree (a city's office staffs its city's and districts' chains).
        self.fields["staff"].queryset = User.objects.filter(in_region(Q(role=Role.OFFICE, is_active=True), self.user))
        region_field(self, "region")
        # A chain sits under a province's or a city's chain (Chain.clean_parent checks which one), named with its
        # region; a chain is never its own chain above.
        parent = self.fields["parent"]
        parent.queryset = (parent.queryset.filter(level__in=LEVEL_ABOVE.values()).exclude(pk=self.instance.pk)
                           .select_related("region").order_by("level", "region__path", "name"))
        parent.help_text = _("A city's chain under its province's chain of the same industry, a district's under "
                             "its city's: their chain maps then show this chain's enterprises.")

    def clean_staff(self):
        return office_staff(self.cleaned_data["staff"], self.user)


class SegmentForm(ScopedModelForm):
    class Meta:
        model = Segment
        fields = ["chain", "parent", "name", "stage", "gbt_code", "import_dependent", "position", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only chains the user may change, and segments of those chains.
        self.fields["chain"].queryset = Chain.objects.restrict(self.user, "change")
        self.fields["parent"].queryset = Segment.objects.restrict(self.user, "change").select_related("chain")


class PlacementForm(ScopedModelForm):
    organization = OrganizationField(label=Placement._meta.get_field("organization").verbose_name)

    class Meta:
        model = Placement
        fields = ["segment", "organization", "role", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.restrict(self.user, "change").select_related("chain")


class CandidateForm(ScopedModelForm):
    uscc = forms.CharField(label=Candidate._meta.get_field("uscc").verbose_name, max_length=40, required=False)

    class Meta:
        model = Candidate
        fields = ["chain", "name", "region", "uscc", "segments", "products", "size", "revenue", "note"]
        widgets = {"products": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.restrict(self.user, "change")
        self.fields["segments"].queryset = Segment.objects.restrict(self.user, "change").select_related("chain")

    def clean_uscc(self):
        value = self.cleaned_data.get("uscc")
        return clean_uscc(value) if value else ""


class LeadForm(ScopedModelForm):
    class Meta:
        model = Lead
        fields = ["candidate", "segment", "owner", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = Candidate.objects.restrict(self.user, "change").select_related("chain")
        self.fields["segment"].queryset = Segment.objects.restrict(self.user, "change").select_related("chain")
        self.fields["owner"].queryset = User.objects.filter(role__in=[Role.OFFICE, Role.ADMIN], is_active=True)
        if self.instance.pk:
            for name in ("candidate", "segment"):
                self.fields[name].disabled = True


class MoveLeadForm(BootstrapForm):
    """Move a lead to another stage; the version it was loaded at travels along."""

    stage = forms.ChoiceField(label=_("New stage"), choices=LeadStage.choices)
    amount = forms.IntegerField(label=_("Investment amount (yuan)"), required=False, min_value=0,
                                max_value=10**15, help_text=_("Needed when an intention is signed or it lands."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lead is not None:
            self.fields["stage"].choices = [(s.value, s.label) for s in lead.next_stages]
            self.initial.setdefault("version", lead.version)
            self.initial.setdefault("amount", lead.amount)
