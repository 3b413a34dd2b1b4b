from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from chainserve.core.api import AuditedListMixin, drf_detail
from chainserve.demands.models import Demand
from chainserve.resources.models import CATALOGUE_MODELS

from .. import benefits as benefit_rules
from .. import builder, profiles, rules, services
from ..filtersets import MatchFilterSet, RuleFilterSet
from ..models import Match, Rule, published_item
from . import serializers


def _service(call):
    try:
        return call()
    except DjangoValidationError as e:
        raise ValidationError(drf_detail(e)) from None
    except DjangoPermissionDenied as e:
        raise PermissionDenied(str(e) or None) from None


class RuleViewSet(AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """Eligibility rules; POST adds a version (creating the rule with its first); `validate` checks a rule."""

    serializer_class = serializers.RuleSerializer
    filterset_class = RuleFilterSet
    ordering_fields = ["updated"]
    ordering = ["-updated", "-id"]

    def get_queryset(self):
        return Rule.objects.restrict(self.request.user).select_related("policy", "product").prefetch_related(
            "versions")

    @extend_schema(request=serializers.RuleWriteSerializer, responses={201: serializers.RuleSerializer})
    def create(self, request, *args, **kwargs):
        data = serializers.RuleWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        item = d.get("policy") or d.get("product")
        if not type(item).objects.restrict(request.user, "view").filter(pk=item.pk).exists():
            raise ValidationError({"policy" if d.get("policy") else "product": ["Not found."]})
        version = _service(lambda: services.save_rule(request.user, item, d["expression"], d.get("effective_from"),
                                                      d.get("effective_to"), d.get("note", ""), d["benefits"],
                                                      d["benefit_cap"]))
        rule = self.get_queryset().get(pk=version.rule_id)
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ExpressionSerializer, responses=serializers.ValidationResultSerializer)
    @action(detail=False, methods=["post"])
    def validate(self, request):
        """Check a rule (and the benefits it would carry) without saving it: 200 with its conditions and benefits
        in words and how many enterprises it selects today (with a few of them, as the rule builder shows), or
        400 naming the wrong field and part."""
        data = serializers.ExpressionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        expression = d["expression"]
        top = expression["all"] if "all" in expression else [expression]
        names = profiles.display_names()
        count, examples = builder.preview(expression)
        return Response({"valid": True, "conditions": [rules.describe(node, names) for node in top],
                         "benefits": benefit_rules.describe(d["benefits"], d["benefit_cap"], names),
                         "qualifying": count, "examples": examples})


class MatchViewSet(AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Matches: an enterprise sees its own; staff see all. `state` saves, dismisses, marks applied …"""

    serializer_class = serializers.MatchSerializer
    filterset_class = MatchFilterSet
    ordering_fields = ["created", "state"]
    ordering = ["-created", "-id"]

    def get_queryset(self):
        user = self.request.user
        matches = Match.objects.restrict(user)
        # as on the pages: no withdrawn or draft item through a match (the schema's generator has no user)
        if not getattr(user, "is_staff_role", False):
            matches = matches.filter(published_item())
        return matches.select_related("rule__policy", "rule__product", "version", "enterprise")

    @extend_schema(request=serializers.MatchActionSerializer, responses=serializers.MatchSerializer)
    @action(detail=True, methods=["post"])
    def state(self, request, pk=None):
        match = self.get_object()
        # Who may act is answered before what was sent: a staff user gets 403 whatever its body says.
        if not services.may_set_state(match, request.user):
            raise PermissionDenied(services.ONLY_THE_ENTERPRISE)
        data = serializers.MatchActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(lambda: services.set_state(match, request.user, data.validated_data["action"]))
        return Response(self.get_serializer(self.get_queryset().get(pk=match.pk)).data)


    @extend_schema(request=serializers.DeclareSerializer, responses=serializers.MatchSerializer)
    @action(detail=True, methods=["post"])
    def declare(self, request, pk=None):
        """The enterprise declares a base its match's benefits need (its R&D cost …); the amount follows."""
        match = self.get_object()
        if not services.may_set_state(match, request.user):
            raise PermissionDenied(services.ONLY_THE_ENTERPRISE)
        data = serializers.DeclareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        _service(lambda: services.declare_inputs(match, request.user, {d["kind"]: d["amount"]}, d["year"]))
        return Response(self.get_serializer(self.get_queryset().get(pk=match.pk)).data)


class DemandResourceViewSet(viewsets.GenericViewSet):
    """推荐资源: a department handling a demand (or the chain office) attaches a published catalogue item to it."""

    serializer_class = serializers.DemandResourceSerializer

    @extend_schema(request=serializers.AttachInputSerializer, responses={201: serializers.DemandResourceSerializer})
    def create(self, request):
        # Who may act is answered before what was sent: only staff attach resources, as on the page.
        if not request.user.is_staff_role:
            raise PermissionDenied
        body = serializers.AttachInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        demand = Demand.objects.restrict(request.user).filter(pk=d["demand"]).first()
        if demand is None:
            raise ValidationError({"demand": [_("No such demand.")]})
        model = {m._meta.model_name: m for m in CATALOGUE_MODELS}[d["kind"]]
        item = model.objects.restrict(request.user).filter(pk=d["item"]).first()
        if item is None:
            raise ValidationError({"item": [_("No such item in this catalogue.")]})
        attached = _service(lambda: services.attach_resource(demand, request.user, item, d["reasons"]))
        return Response(self.get_serializer(attached).data, status=status.HTTP_201_CREATED)
