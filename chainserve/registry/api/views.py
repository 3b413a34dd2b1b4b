from rest_framework import viewsets

from chainserve.core.api import ScopedViewSet

from ..filtersets import OrganizationFilterSet, PersonFilterSet, RelationshipFilterSet
from ..models import District, Label, Organization, Person, Relationship
from . import serializers


class OrganizationViewSet(ScopedViewSet):
    model = Organization
    serializer_class = serializers.OrganizationSerializer
    filterset_class = OrganizationFilterSet
    select_related = ("district", "park")
    prefetch_related = ("labels", "products")
    ordering_fields = ["name", "kind", "founded_on", "employees", "listing_status", "created"]
    ordering = ["name", "id"]


class PersonViewSet(ScopedViewSet):
    model = Person
    serializer_class = serializers.PersonSerializer
    filterset_class = PersonFilterSet
    ordering_fields = ["name", "title", "created"]
    ordering = ["name", "id"]


class RelationshipViewSet(ScopedViewSet):
    model = Relationship
    serializer_class = serializers.RelationshipSerializer
    filterset_class = RelationshipFilterSet
    ordering_fields = ["started_on", "kind", "created"]
    ordering = ["-started_on", "id"]


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = District.objects.all()
    serializer_class = serializers.DistrictSerializer
    filterset_fields = ["code"]


class LabelViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Label.objects.all()
    serializer_class = serializers.LabelSerializer
    filterset_fields = ["slug"]
