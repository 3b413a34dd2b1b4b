from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from chainserve.core.api import AuditedListMixin, ScopedViewSet
from chainserve.core.models import Region

from .. import services
from ..file import asks_corrections
from ..filtersets import (
    CorrectionRequestFilterSet,
    OrganizationFilterSet,
    PersonFilterSet,
    ProductFilterSet,
    RelationshipFilterSet,
)
from ..models import CorrectionRequest, Label, Organization, Person, Product, Relationship
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


class ProductViewSet(ScopedViewSet):
    """Products and pipelines (产品/管线): seen with their enterprise, added and changed by who may change it
    (Product.scope), saved through registry.services.save_product as on the enterprise's page."""

    model = Product
    serializer_class = serializers.ProductSerializer
    filterset_class = ProductFilterSet
    ordering_fields = ["name", "phase", "approved_on", "created"]
    ordering = ["organization", "name", "id"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The regions (core.Region) in the user's subtree; `districts/` is the name they had as a city's districts."""

    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    filterset_fields = ["code", "level", "parent"]

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)


class LabelViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Label.objects.all()
    serializer_class = serializers.LabelSerializer
    filterset_fields = ["slug"]


class CorrectionRequestViewSet(AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                               viewsets.GenericViewSet):
    """Correction requests (信息更正申请): the enterprise asks (POST), a chain office approves or refuses
    (POST …/approve/, …/refuse/ with refusal_reason). A request decided already, or whose field changed since,
    is a 409 conflict."""

    serializer_class = serializers.CorrectionRequestSerializer
    filterset_class = CorrectionRequestFilterSet
    ordering = ["-created", "-id"]

    def get_queryset(self):
        return CorrectionRequest.objects.restrict(self.request.user).select_related("organization")

    def create(self, request):
        if not asks_corrections(request.user):  # who may ask is answered before what was sent, as on the page
            raise PermissionDenied(gettext("Only the enterprise itself may do this."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        org = Organization.objects.restrict(request.user).filter(pk=data["organization"].pk).first()
        if org is None:
            return Response({"organization": [gettext("Not found.")]}, status=status.HTTP_400_BAD_REQUEST)
        correction = services.request_correction(request.user, org, data["field"], data["proposed_value"],
                                                 data.get("reason", ""))
        return Response(self.get_serializer(correction).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, body_class, decide):
        """Who may decide is answered before what was sent (404 outside the scope, 403 for a viewer only); then
        the body, then the decision (409 when decided meanwhile or the field changed)."""
        correction = self.get_object()
        if not CorrectionRequest.objects.restrict(request.user, "change").filter(pk=correction.pk).exists():
            raise PermissionDenied
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            correction = decide(correction.pk, body.validated_data)
        except CorrectionRequest.DoesNotExist:
            return Response(status=status.HTTP_404_NOT_FOUND)
        except ValidationError as e:
            if not hasattr(e, "error_dict") and e.code in ("decided", "conflict"):
                return Response({"detail": " ".join(e.messages)}, status=status.HTTP_409_CONFLICT)
            raise
        return Response(self.get_serializer(correction).data)

    @extend_schema(request=serializers.ApprovalSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, serializers.ApprovalSerializer,
                            lambda pk, body: services.approve_correction(request.user, pk))

    @extend_schema(request=serializers.RefusalSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._decide(request, serializers.RefusalSerializer,
                            lambda pk, body: services.refuse_correction(request.user, pk, body["refusal_reason"]))
