"""FilterSets of the chains app, for pages and API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainserve.core.filters import ChoicesFilter, RegionFilter, SearchFilterSet
from chainserve.registry.choices import OrgSize

from .choices import ChainLevel, LeadStage, PlacementRole, Stage
from .models import Candidate, Chain, Lead, Placement, Segment


class ChainFilterSet(SearchFilterSet):
    level = django_filters.ChoiceFilter(choices=ChainLevel.choices, label=_("Level"))
    district = RegionFilter(field_name="region")

    class Meta:
        model = Chain
        fields = ["q", "level", "district"]


class SegmentFilterSet(SearchFilterSet):
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent segment"))
    import_dependent = django_filters.BooleanFilter(label=_("Import-dependent"))
    gbt_code = django_filters.CharFilter(lookup_expr="istartswith", label=_("GB/T 4754 code"))

    class Meta:
        model = Segment
        fields = ["q", "chain", "stage", "parent", "import_dependent", "gbt_code"]


class PlacementFilterSet(SearchFilterSet):
    search_paths = ("organization",)
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    segment = django_filters.NumberFilter(field_name="segment_id", label=_("Segment"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organisation"))
    role = ChoicesFilter(choices=PlacementRole.choices, label=_("Role"))

    class Meta:
        model = Placement
        fields = ["q", "chain", "segment", "organization", "role"]


class CandidateFilterSet(SearchFilterSet):
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    segment = django_filters.NumberFilter(field_name="segments", label=_("Segment"))
    size = ChoicesFilter(choices=OrgSize.choices, label=_("Size"))
    region = django_filters.CharFilter(lookup_expr="icontains", label=_("Region"))

    class Meta:
        model = Candidate
        fields = ["q", "chain", "segment", "size", "region"]


class LeadFilterSet(SearchFilterSet):
    search_paths = ("candidate",)
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    segment = django_filters.NumberFilter(field_name="segment_id", label=_("Segment"))
    candidate = django_filters.NumberFilter(field_name="candidate_id", label=_("Candidate"))
    stage = ChoicesFilter(choices=LeadStage.choices, label=_("Stage"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Followed by me"))

    class Meta:
        model = Lead
        fields = ["q", "chain", "segment", "candidate", "stage", "mine"]

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(owner=self.request.user)
        return queryset
