"""One FilterSet per model, serving the list pages and the API alike."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from chainserve.core.filters import ChoicesFilter, RegionFilter, SearchFilterSet

from .choices import CorrectionStatus, DrugClass, ListingStatus, OrgKind, OrgSize, Phase, ProductKind, RelationKind
from .models import CorrectionRequest, Label, Organization, Person, Product, Relationship

# Reached through the reverse relation: the registry does not import the chains app.
Placement = Organization._meta.get_field("placements").related_model
Chain = Placement._meta.get_field("chain").related_model
Segment = Placement._meta.get_field("segment").related_model


def visible_chains(request):
    # Filtering by a chain the user may not see must not tell who is on it.
    return Chain.objects.restrict(getattr(request, "user", None))


def visible_segments(request):
    return Segment.objects.restrict(getattr(request, "user", None)).select_related("chain").order_by("chain", "name")


class OrganizationFilterSet(SearchFilterSet):
    kind = ChoicesFilter(choices=OrgKind.choices, label=_("Kind"), widget=forms.CheckboxSelectMultiple)
    district = RegionFilter()
    park = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.filter(kind=OrgKind.PARK), label=_("Park")
    )
    listing_status = ChoicesFilter(choices=ListingStatus.choices, label=_("Listing status"), widget=forms.CheckboxSelectMultiple)
    size = ChoicesFilter(choices=OrgSize.choices, label=_("Size"), widget=forms.CheckboxSelectMultiple)
    label = extend_schema_field({"type": "string", "description": _("Labels")})(django_filters.ModelMultipleChoiceFilter(
        field_name="labels__slug", to_field_name="slug", queryset=Label.objects.all(), label=_("Labels"),
        conjoined=True,
    ))
    chain = django_filters.ModelChoiceFilter(queryset=visible_chains, method="filter_chain", label=_("Chain"))
    segment = django_filters.ModelChoiceFilter(queryset=visible_segments, method="filter_segment", label=_("Segment"))
    founded_after = django_filters.DateFilter(field_name="founded_on", lookup_expr="gte", label=_("Founded from"))
    founded_before = django_filters.DateFilter(field_name="founded_on", lookup_expr="lte", label=_("Founded until"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "district", "park", "listing_status", "size", "label", "chain", "segment"]

    @extend_schema_field({"type": "integer", "description": _("Chain")})
    def filter_chain(self, queryset, name, value):
        return queryset.filter(pk__in=Placement.objects.filter(chain=value).values("organization_id"))

    @extend_schema_field({"type": "integer", "description": _("Segment")})
    def filter_segment(self, queryset, name, value):
        """Enterprises on the segment or on any segment below it (as the chain map counts them)."""
        ids, frontier = {value.pk}, [value.pk]
        while frontier:
            frontier = list(Segment.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
            ids.update(frontier)
        return queryset.filter(pk__in=Placement.objects.filter(segment_id__in=ids).values("organization_id"))


class PersonFilterSet(SearchFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organisation"))
    kind = ChoicesFilter(
        field_name="organization__kind", choices=OrgKind.choices, label=_("Kind of organisation")
    )

    class Meta:
        model = Person
        fields = ["q", "organization", "kind"]


class ProductFilterSet(SearchFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organisation"))
    kind = django_filters.ChoiceFilter(choices=ProductKind.choices, label=_("Kind"))
    drug_class = django_filters.ChoiceFilter(choices=DrugClass.choices, label=_("Registration class"))
    phase = django_filters.ChoiceFilter(choices=Phase.choices, label=_("Phase"))

    class Meta:
        model = Product
        fields = ["q", "organization", "kind", "drug_class", "phase"]


class RelationshipFilterSet(SearchFilterSet):
    search_paths = ("source", "target")
    kind = ChoicesFilter(choices=RelationKind.choices, label=_("Kind"))
    organization = django_filters.NumberFilter(method="filter_organization", label=_("Organisation"))
    active_on = django_filters.DateFilter(method="filter_active", label=_("Active on"))

    class Meta:
        model = Relationship
        fields = ["q", "kind", "organization", "active_on"]

    def filter_organization(self, queryset, name, value):
        return queryset.filter(source_id=value) | queryset.filter(target_id=value)

    def filter_active(self, queryset, name, value):
        return queryset.exclude(started_on__gt=value).exclude(ended_on__lt=value)


class CorrectionRequestFilterSet(SearchFilterSet):
    search_paths = ("organization",)
    status = ChoicesFilter(choices=CorrectionStatus.choices, label=_("Status"),
                                                 widget=forms.CheckboxSelectMultiple)
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organisation"))

    class Meta:
        model = CorrectionRequest
        fields = ["q", "status", "organization"]
