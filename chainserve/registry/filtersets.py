"""One FilterSet per model, serving the list pages and the API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainserve.core.filters import SearchFilterSet, search_queryset

from .choices import ListingStatus, OrgKind, OrgSize, RelationKind
from .models import District, Label, Organization, Person, Relationship

# Reached through the reverse relation: the registry does not import the chains app.
Placement = Organization._meta.get_field("placements").related_model
Chain = Placement._meta.get_field("chain").related_model


class OrganizationFilterSet(SearchFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=OrgKind.choices, label=_("Kind"))
    district = django_filters.ModelChoiceFilter(queryset=District.objects.all(), label=_("District"))
    park = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.filter(kind=OrgKind.PARK), label=_("Park")
    )
    listing_status = django_filters.MultipleChoiceFilter(choices=ListingStatus.choices, label=_("Listing status"))
    size = django_filters.MultipleChoiceFilter(choices=OrgSize.choices, label=_("Size"))
    label = django_filters.ModelMultipleChoiceFilter(
        field_name="labels__slug", to_field_name="slug", queryset=Label.objects.all(), label=_("Labels"),
        conjoined=True,
    )
    chain = django_filters.NumberFilter(method="filter_chain", label=_("Chain"))
    segment = django_filters.NumberFilter(method="filter_segment", label=_("Segment"))
    founded_after = django_filters.DateFilter(field_name="founded_on", lookup_expr="gte", label=_("Founded from"))
    founded_before = django_filters.DateFilter(field_name="founded_on", lookup_expr="lte", label=_("Founded until"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "district", "park", "listing_status", "size", "label", "chain", "segment"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Filtering by a chain the user may not see must not tell who is on it.
        self._chains = Chain.objects.restrict(getattr(request, "user", None))

    def filter_chain(self, queryset, name, value):
        on_chain = Placement.objects.filter(chain_id=value, chain__in=self._chains).values("organization_id")
        return queryset.filter(pk__in=on_chain)

    def filter_segment(self, queryset, name, value):
        on_segment = Placement.objects.filter(segment_id=value, chain__in=self._chains).values("organization_id")
        return queryset.filter(pk__in=on_segment)


class PersonFilterSet(SearchFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organisation"))
    kind = django_filters.MultipleChoiceFilter(
        field_name="organization__kind", choices=OrgKind.choices, label=_("Kind of organisation")
    )

    class Meta:
        model = Person
        fields = ["q", "organization", "kind"]


class RelationshipFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(choices=RelationKind.choices, label=_("Kind"))
    organization = django_filters.NumberFilter(method="filter_organization", label=_("Organisation"))
    active_on = django_filters.DateFilter(method="filter_active", label=_("Active on"))

    class Meta:
        model = Relationship
        fields = ["q", "kind", "organization", "active_on"]

    def search(self, queryset, name, value):
        matching = search_queryset(Organization.objects.all(), value).values("pk")
        return queryset.filter(source__in=matching) | queryset.filter(target__in=matching)

    def filter_organization(self, queryset, name, value):
        return queryset.filter(source_id=value) | queryset.filter(target_id=value)

    def filter_active(self, queryset, name, value):
        return queryset.exclude(started_on__gt=value).exclude(ended_on__lt=value)
