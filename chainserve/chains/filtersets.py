"""FilterSets of the chains app, for pages and API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainserve.core.filters import SearchFilterSet, search_queryset
from chainserve.registry.models import District, Organization

from .choices import ChainLevel, PlacementRole, Stage
from .models import Chain, Placement, Segment


class ChainFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    level = django_filters.ChoiceFilter(choices=ChainLevel.choices, label=_("Level"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), label=_("District"))

    class Meta:
        model = Chain
        fields = ["q", "level", "district"]


class SegmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    parent = django_filters.NumberFilter(field_name="parent_id", label=_("Parent segment"))
    import_dependent = django_filters.BooleanFilter(label=_("Import-dependent"))
    gbt_code = django_filters.CharFilter(lookup_expr="istartswith", label=_("GB/T 4754 code"))

    class Meta:
        model = Segment
        fields = ["q", "chain", "stage", "parent", "import_dependent", "gbt_code"]


class PlacementFilterSet(SearchFilterSet):
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    segment = django_filters.NumberFilter(field_name="segment_id", label=_("Segment"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organisation"))
    role = django_filters.MultipleChoiceFilter(choices=PlacementRole.choices, label=_("Role"))

    class Meta:
        model = Placement
        fields = ["q", "chain", "segment", "organization", "role"]

    def search(self, queryset, name, value):
        return queryset.filter(organization__in=search_queryset(Organization.objects.all(), value).values("pk"))
