from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from chainserve.core.api import AuditedListMixin, ScopedViewSet, idempotent_create
from chainserve.core.choices import Role

from .. import permissions, services
from ..filtersets import DemandFilterSet
from ..forms import ACTION_FORMS
from ..models import Assignment, Category, Demand, DispatchRule, StandardReply
from . import serializers


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.all()
    serializer_class = serializers.CategorySerializer


class DemandViewSet(AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    """Demands the user may see; create one (portal or on behalf); its events; each step as a POST."""

    serializer_class = serializers.DemandSerializer
    filterset_class = DemandFilterSet
    ordering_fields = ["created", "resolve_due", "status", "number"]
    ordering = ["-created", "-id"]

    def get_queryset(self):
        return Demand.objects.restrict(self.request.user).select_related(
            "organization", "category", "lead_department").prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("department")))

    @extend_schema(request=serializers.DemandCreateSerializer, responses={201: serializers.DemandCreatedSerializer},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)])
    def create(self, request, *args, **kwargs):
        return idempotent_create(request, lambda: self._create(request))

    def _create(self, request):
        try:  # who may take a demand in is answered before what was sent, as on the pages
            permissions.check_takes_in(request.user)
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None
        data = serializers.DemandCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        org = v.get("organization")
        if request.user.role == Role.ENTERPRISE:
            org = request.user.organization
        if org is None:
            raise ValidationError({"organization": ["This field is required."]})
        intake = services.Intake(organization=org, category=v["category"], title=v["title"],
                                 description=v["description"], channel=v["channel"], priority=v["priority"],
                                 proposer=v["proposer"])
        try:
            if "received_at" in v:  # a past demand: the history import's path, not intake's
                demand = services.record_past_demand(request.user, intake, v["received_at"])
            else:
                services.check_similar(request.user, intake, v["confirm_new"])
                demand = services.submit(request.user, intake)
        except services.SimilarDemandsFound as e:
            return Response({"confirm_new": [str(e)], "similar": serializers.SimilarDemandSerializer(
                e.matches, many=True).data}, status=status.HTTP_400_BAD_REQUEST)
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None
        except DjangoValidationError as e:
            raise ValidationError(e.message_dict) from None
        return Response(serializers.DemandCreatedSerializer(demand).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.DispatchSelectedSerializer,
                   responses={200: serializers.OutcomeSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="dispatch-selected", pagination_class=None)
    def dispatch_selected(self, request):
        """批量派单 (the chain office): each demand is dispatched on its own; the answer lists every one's outcome
        (ok, or why not: taken meanwhile, no longer queued, no such demand) in the order sent."""
        body = serializers.DispatchSelectedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        try:
            outcomes = services.dispatch_selected(request.user, [(p["id"], p.get("version")) for p in v["demands"]],
                                                  v["lead"], v.get("co", ()), v["note"])
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e) or None) from None
        return Response(serializers.OutcomeSerializer(outcomes, many=True).data)

    # The whole history as one list, not a page: pagination_class=None so the schema says so too.
    @extend_schema(responses=serializers.DemandEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        demand = self.get_object()
        return Response(serializers.DemandEventSerializer(demand.events.select_related("actor"), many=True).data)

    @extend_schema(request=serializers.ActionSerializer, responses={200: serializers.DemandSerializer},
                   parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=sorted(ACTION_FORMS))])
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<step>[a-z_]+)")
    def steps(self, request, pk=None, step=None):
        """Take one step (accept, dispatch, ask, reply, answer, close, rate, reopen, escalate …).
        409 when someone else changed the demand first; 400 when the status does not allow it."""
        demand = self.get_object()
        if step not in ACTION_FORMS:
            raise NotFound
        if not permissions.acts_on(request.user, demand):  # overseen from the region above: read only
            raise PermissionDenied(str(permissions.OVERSIGHT_ONLY))
        body = serializers.ActionSerializer(data=request.data, context={"action": step, "request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            services.perform(step, demand, request.user, data, data.pop("version", None))
        except services.ConflictError as e:
            return Response({"detail": str(e)}, status=status.HTTP_409_CONFLICT)
        except services.TransitionError as e:
            return Response({"non_field_errors": [str(e)]}, status=status.HTTP_400_BAD_REQUEST)
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e) or None) from None
        except DjangoValidationError as e:
            raise ValidationError(e.message_dict) from None
        demand.refresh_from_db()
        return Response(self.get_serializer(demand).data)


def _plain(value):
    """A history value as JSON: a record (or each of a list of them) by its primary key."""
    if isinstance(value, list):
        return [getattr(v, "pk", v) for v in value]
    return getattr(value, "pk", value)


class StandardReplyViewSet(ScopedViewSet):
    """Standard replies (标准答复) per category: staff read them (`?category=`); the chain office keeps them."""

    model = StandardReply
    serializer_class = serializers.StandardReplySerializer
    select_related = ("category",)
    filterset_fields = ["category", "active"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class DispatchRuleViewSet(ScopedViewSet):
    """Dispatch rules (派单目录): every staff user reads them; a chain office adds and changes the rules of its
    chains, only an admin the city-wide ones (no chain). Not deleted: switch a rule off (`active`). Each change
    is kept: GET …/history/."""

    model = DispatchRule
    serializer_class = serializers.DispatchRuleSerializer
    select_related = ("category", "district", "chain", "lead_department")
    prefetch_related = ("co_departments",)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("category", "district", "chain", "pk")

    def perform_create(self, serializer):
        serializer.instance = self._save(DispatchRule(), serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer.instance, serializer.validated_data)

    def _save(self, rule, data):
        data = dict(data)
        co = data.pop("co_departments", None)
        changed = rule.pk is None or any(getattr(rule, k) != v for k, v in data.items()) or (
            co is not None and {c.pk for c in co} != set(rule.co_departments.values_list("pk", flat=True)))
        for key, value in data.items():
            setattr(rule, key, value)
        try:
            return services.save_rule(self.request.user, rule, co, changed=changed)
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e) or None) from None

    @extend_schema(responses=serializers.DispatchRuleChangeSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        rule = self.get_object()
        rows = [{"record": record, "changes": [{"field": c.field, "old": _plain(c.old), "new": _plain(c.new)}
                                               for c in delta]}
                for record, delta in services.rule_changes(rule)]
        return Response(serializers.DispatchRuleChangeSerializer(rows, many=True).data)
