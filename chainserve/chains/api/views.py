from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from chainserve.core.api import ScopedViewSet

from .. import services
from ..filtersets import ChainFilterSet, PlacementFilterSet, SegmentFilterSet
from ..models import Chain, Placement, Segment
from . import serializers


class ChainViewSet(ScopedViewSet):
    model = Chain
    serializer_class = serializers.ChainSerializer
    filterset_class = ChainFilterSet
    ordering_fields = ["name", "level", "created"]
    ordering = ["level", "name", "id"]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def map(self, request, pk=None):
        """The chain map: chain → stage → segments with enterprise counts and strength."""
        return Response(services.map_data(self.get_object()))

    @extend_schema(responses=inline_serializer("ChainGap", many=True, fields={
        "segment": drf_serializers.IntegerField(), "name": drf_serializers.CharField(),
        "stage": drf_serializers.CharField(), "count": drf_serializers.IntegerField(),
        "import_dependent": drf_serializers.BooleanField(),
        "reasons": drf_serializers.ListField(child=drf_serializers.CharField()),
    }))
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list: all of one chain's gaps
    def gaps(self, request, pk=None):
        """Segments with no enterprise or one, and the import-dependent ones."""
        rows = services.gaps(self.get_object())
        return Response([
            {"segment": g["segment"].pk, "name": g["segment"].name, "stage": g["segment"].stage,
             "count": g["stats"].count, "import_dependent": g["segment"].import_dependent,
             "reasons": [str(r) for r in g["reasons"]]}
            for g in rows
        ])


class SegmentViewSet(ScopedViewSet):
    model = Segment
    serializer_class = serializers.SegmentSerializer
    filterset_class = SegmentFilterSet
    ordering_fields = ["name", "stage", "position"]
    ordering = ["chain", "stage", "position", "id"]


class PlacementViewSet(ScopedViewSet):
    model = Placement
    serializer_class = serializers.PlacementSerializer
    filterset_class = PlacementFilterSet
    ordering_fields = ["role", "created"]
    ordering = ["segment", "role", "id"]
