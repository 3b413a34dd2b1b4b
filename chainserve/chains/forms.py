"""Forms of the chains app."""

from chainserve.core.forms import ScopedModelForm
from chainserve.registry.forms import OrganizationField

from .models import Chain, Placement, Segment


class ChainForm(ScopedModelForm):
    class Meta:
        model = Chain
        fields = ["name", "level", "district", "parent", "leader", "office", "staff", "description"]


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
