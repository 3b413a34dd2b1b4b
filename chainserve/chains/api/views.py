from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from chainserve.core.api import ScopedViewSet, drf_detail

from .. import services
from ..filtersets import CandidateFilterSet, ChainFilterSet, LeadFilterSet, PlacementFilterSet, SegmentFilterSet
from ..models import Candidate, Chain, Lead, Placement, Segment
from . import serializers


class ChainViewSet(ScopedViewSet):
    model = Chain
    serializer_class = serializers.ChainSerializer
    prefetch_related = ("staff",)
    filterset_class = ChainFilterSet
    ordering_fields = ["name", "level", "created"]
    ordering = ["level", "name", "id"]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def map(self, request, pk=None):
        """The chain map: chain → stage → segments with enterprise counts and strength, the enterprises of the
        chains below it that the user may see counted in (a province's map: its cities')."""
        chain = self.get_object()
        return Response(services.map_data(chain, services.below_stats(chain, request.user)))

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


class CandidateViewSet(ScopedViewSet):
    model = Candidate
    serializer_class = serializers.CandidateSerializer
    filterset_class = CandidateFilterSet
    prefetch_related = ("segments",)
    ordering_fields = ["name", "region", "revenue"]
    ordering = ["name", "id"]


class LeadViewSet(ScopedViewSet):
    """Leads are opened through the service (which writes the first event); their stage changes only by
    `transition`, which needs the version the client last saw."""

    model = Lead
    serializer_class = serializers.LeadSerializer
    filterset_class = LeadFilterSet
    prefetch_related = ("events",)
    ordering_fields = ["updated", "stage", "amount"]
    ordering = ["-updated", "-id"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        try:
            serializer.instance = services.start_lead(self.request.user, d["candidate"], d["segment"],
                                                      d.get("note", ""), d.get("owner"))
        except DjangoValidationError as e:
            raise ValidationError(drf_detail(e)) from None

    @extend_schema(request=serializers.MoveLeadSerializer, responses=serializers.LeadSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the lead to another stage: 400 if the move is not allowed, 409 if the lead changed since
        `version`."""
        lead = self.get_object()
        data = serializers.MoveLeadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            lead = services.move_lead(lead, request.user, d["stage"], d["version"], d.get("amount"), d["note"])
        except DjangoValidationError as e:
            raise ValidationError(drf_detail(e)) from None
        except services.LeadConflict as e:
            return Response({"version": [str(e)]}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(self.get_queryset().get(pk=lead.pk)).data)
