from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from chainserve.core.choices import STAFF_ROLES

from .. import services
from ..figures import compute_all
from ..filtersets import BulletinFilterSet
from ..forms import ReportFilterForm
from ..models import Bulletin
from . import serializers


class StaffOnly(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_superuser or request.user.role in STAFF_ROLES


def _parse(request, data):
    serializers.ComputeSerializer(data=data).is_valid(raise_exception=True)
    form = ReportFilterForm({k: data.get(k, "") for k in ("start", "end", "chain", "district")},
                            user=request.user)
    if not form.is_valid():
        raise ValidationError({k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()})
    return form.period(), form.scope()


SCOPE_PARAMS = [OpenApiParameter(name, OpenApiTypes.DATE if name in ("start", "end") else OpenApiTypes.STR,
                                 required=name in ("start", "end"))
                for name in ("start", "end", "chain", "district")]


class BulletinViewSet(viewsets.ReadOnlyModelViewSet):
    """Published bulletins (frozen figures, versions); `compute` gives the figures of any period now,
    `publish` freezes them as the next version."""

    serializer_class = serializers.BulletinSerializer
    filterset_class = BulletinFilterSet
    permission_classes = [permissions.IsAuthenticated, StaffOnly]
    ordering = ["-published_at", "-id"]

    def get_queryset(self):
        return Bulletin.objects.restrict(self.request.user).select_related("superseded_by")

    @extend_schema(parameters=SCOPE_PARAMS, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def compute(self, request):
        period, scope = _parse(request, request.query_params)
        return Response(compute_all(period, scope).as_dict())

    @extend_schema(request=serializers.ComputeSerializer, responses={201: serializers.BulletinSerializer})
    @action(detail=False, methods=["post"])
    def publish(self, request):
        period, scope = _parse(request, request.data)
        try:
            bulletin = services.publish(request.user, period, scope, request.data.get("title", "") or "")
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        return Response(serializers.BulletinSerializer(bulletin).data, status=201)
