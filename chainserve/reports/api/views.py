from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from chainserve.core.api import ScopedViewSet
from chainserve.core.choices import STAFF_ROLES
from chainserve.core.routers import heavy_read

from .. import cases, rollup, services
from ..document import compose
from ..figures import compute_all
from ..figures import proposals as proposal_figures
from ..filtersets import BulletinFilterSet, IndustryScaleFilterSet
from ..forms import ReportFilterForm
from ..models import Bulletin, IndustryScale
from . import serializers


class StaffOnly(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_superuser or request.user.role in STAFF_ROLES


def _parse(request, data, serializer_class=serializers.ScopeSerializer):
    """(period, scope, the validated body) of a request; 400 naming the field for a bad one."""
    body = serializer_class(data=data)
    body.is_valid(raise_exception=True)
    form = ReportFilterForm({k: data.get(k, "") for k in ("start", "end", "chain", "district", "region")},
                            user=request.user)
    if not form.is_valid():
        named = "region" if data.get("region") and not data.get("district") else "district"  # as the request named it
        raise ValidationError({named if k == "district" else k: [e["message"] for e in v]
                               for k, v in form.errors.get_json_data().items()})
    return form.period(), form.scope(), body.validated_data


SCOPE_PARAMS = [OpenApiParameter(name, OpenApiTypes.DATE if name in ("start", "end") else OpenApiTypes.STR,
                                 required=name in ("start", "end"))
                for name in ("start", "end", "chain", "district", "region")]


class BulletinViewSet(viewsets.ReadOnlyModelViewSet):
    """Published bulletins (frozen text and figures, versions, 期号); `compute` gives the figures of any period
    now, `draft` the bulletin as it would be published now with the records it may tell as cases, `publish`
    freezes it as the next version."""

    serializer_class = serializers.BulletinSerializer
    filterset_class = BulletinFilterSet
    permission_classes = [permissions.IsAuthenticated, StaffOnly]
    ordering = ["-published_at", "-id"]

    def get_queryset(self):
        return Bulletin.objects.restrict(self.request.user).select_related("superseded_by", "supersedes",
                                                                           "published_by__organization")

    @heavy_read
    @extend_schema(parameters=SCOPE_PARAMS, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def compute(self, request):
        period, scope, _body = _parse(request, request.query_params)
        return Response(compute_all(period, scope).as_dict() | {"children": [
            {"region": child.pk, "name": child.name, "code": child.code,
             "figures": report.as_dict()["figures"]}
            for child, report in rollup.children(period, scope, keys=None)]})

    @heavy_read
    @extend_schema(parameters=SCOPE_PARAMS, responses=serializers.DraftSerializer)
    @action(detail=False, methods=["get"])
    def draft(self, request):
        period, scope, _body = _parse(request, request.query_params)
        with translation.override(settings.LANGUAGE_CODE):
            doc = compose(request.user, period, scope)
            candidates = cases.candidates(period, scope)
        return Response(serializers.DraftSerializer({
            "masthead": doc.masthead, "issuer_name": doc.issuer_name, "title": doc.title, "lead": doc.lead,
            "sections": {"activity": doc.activity, "results": doc.results, "children": doc.children,
                         "proposals": doc.proposals}, "cases": doc.cases,
            "candidates": [{"ref": c.ref, "kind": c.kind, "label": c.label} for c in candidates],
            "figures": doc.data}).data)

    @extend_schema(request=serializers.PublishSerializer, responses={201: serializers.BulletinSerializer})
    @action(detail=False, methods=["post"])
    def publish(self, request):
        period, scope, body = _parse(request, request.data, serializers.PublishSerializer)
        try:
            bulletin = services.publish(
                request.user, period, scope, body.get("title", ""), body.get("note", ""), body.get("lead", ""),
                [(c["ref"], c.get("title", ""), c.get("text", "")) for c in body.get("cases", [])])
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        return Response(serializers.BulletinSerializer(bulletin).data, status=201)


class ProposalOffice(permissions.BasePermission):
    def has_permission(self, request, view):
        return services.may_view_proposals(request.user)


class ProposalFiguresView(APIView):
    """The proposal figures (建议提案) of a period and scope, as on the proposals page: received, answered,
    answered on time and the on-time rate, by grade, per channel and lead unit. Admins and chain offices."""

    permission_classes = [permissions.IsAuthenticated, ProposalOffice]

    @heavy_read
    @extend_schema(parameters=SCOPE_PARAMS, responses=serializers.ProposalFiguresSerializer)
    def get(self, request):
        period, scope, _body = _parse(request, request.query_params)
        return Response(serializers.ProposalFiguresSerializer(proposal_figures.compute(period, scope).as_dict()).data)


class IndustryScaleViewSet(ScopedViewSet):
    """产业规模: staff read it; the chain office enters its chains' and the city's, admins every one (as on the page)."""

    model = IndustryScale
    serializer_class = serializers.IndustryScaleSerializer
    filterset_class = IndustryScaleFilterSet
    select_related = ("chain",)
    ordering_fields = ["year"]
    ordering = ["-year", "chain", "id"]
