from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response

from chainserve.core.api import ScopedViewSet, drf_detail
from chainserve.core.choices import Role

from .. import applications, filtersets, services
from ..models import Achievement, Equipment, Expert, FinancialProduct, Policy, PolicyApplication, Space, TalentProgramme
from . import serializers


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class CatalogueViewSet(ScopedViewSet):
    """A kind of catalogue item; `publish` and `withdraw` change its status."""

    prefetch_related = ("tags",)
    ordering_fields = ["title", "published_at", "created"]
    ordering = ["-published_at", "-id"]

    def _status(self, change):
        item = self.get_object()
        try:
            change(item, self.request.user)
        except DjangoValidationError as e:
            raise ValidationError(drf_detail(e)) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft or withdrawn item: enterprises see it from now on."""
        return self._status(services.publish)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a published item."""
        return self._status(services.withdraw)


def catalogue_viewset(model, serializer, filterset):
    attrs = {"model": model, "serializer_class": serializer, "filterset_class": filterset,
             "select_related": (model.owner_field,)}
    return type(f"{model.__name__}ViewSet", (CatalogueViewSet,), attrs)


PolicyViewSet = catalogue_viewset(Policy, serializers.PolicySerializer, filtersets.PolicyFilterSet)
FinancialProductViewSet = catalogue_viewset(FinancialProduct, serializers.FinancialProductSerializer,
                                            filtersets.FinancialProductFilterSet)
SpaceViewSet = catalogue_viewset(Space, serializers.SpaceSerializer, filtersets.SpaceFilterSet)
EquipmentViewSet = catalogue_viewset(Equipment, serializers.EquipmentSerializer, filtersets.EquipmentFilterSet)
ExpertViewSet = catalogue_viewset(Expert, serializers.ExpertSerializer, filtersets.ExpertFilterSet)
TalentProgrammeViewSet = catalogue_viewset(TalentProgramme, serializers.TalentProgrammeSerializer,
                                           filtersets.TalentProgrammeFilterSet)
AchievementViewSet = catalogue_viewset(Achievement, serializers.AchievementSerializer, filtersets.AchievementFilterSet)


class PolicyApplicationViewSet(ScopedViewSet):
    """Policy applications (政策申报): list and read them; POST to apply; one POST per step on a record
    (start-review, return, answer, approve, refuse, publicise, objection, pay, receive; 409 when someone else
    changed it first); `grant` (免申即享) and `publicise` (the 公示 list) for a whole policy."""

    model = PolicyApplication
    serializer_class = serializers.PolicyApplicationSerializer
    filterset_class = filtersets.PolicyApplicationFilterSet
    select_related = ("enterprise", "policy")
    ordering_fields = ["submitted_at", "review_due", "state"]
    ordering = ["-submitted_at", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    @staticmethod
    def _call(service, *args, **kwargs):
        try:
            return service(*args, **kwargs)
        except applications.ConflictError as e:
            raise Conflict(" ".join(e.messages)) from None
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e) or None) from None
        except DjangoValidationError as e:
            raise ValidationError(drf_detail(e)) from None

    @extend_schema(request=serializers.ApplySerializer, responses={201: serializers.PolicyApplicationSerializer})
    def create(self, request, *args, **kwargs):
        """The enterprise applies for a published policy (amount in fen, declared inputs, documents)."""
        if request.user.role != Role.ENTERPRISE:
            raise PermissionDenied(_("Only an enterprise applies for a policy."))
        body = serializers.ApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        policy = get_object_or_404(Policy.objects.restrict(request.user), pk=data["policy"].pk)
        a = self._call(applications.apply, policy, request.user, amount=data.get("amount_applied"),
                       inputs=data.get("inputs"), statement=data.get("statement", ""), files=data.get("files", []))
        return Response(self.get_serializer(a).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.ApplicationEventSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        a = self.get_object()
        events = a.events.select_related("actor").prefetch_related("documents")
        return Response(serializers.ApplicationEventSerializer(events, many=True).data)

    def _step(self, request, step):
        """Take one step: the actor is checked before the body; 400 when the state does not allow the step, 409
        when someone else changed the application since `version`."""
        a = self.get_object()
        if not applications.may_take(step, request.user, a):
            raise PermissionDenied(_("You may not take this step on this application."))
        body = serializers.STEP_SERIALIZERS[step](data=request.data)
        body.is_valid(raise_exception=True)
        a = self._call(applications.STEP_SERVICES[step], a, request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=a.pk)).data)

    def _batch(self, request, service):
        body = serializers.PolicyBatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        policy = get_object_or_404(Policy.objects.restrict(request.user), pk=body.validated_data["policy"].pk)
        done = self._call(service, policy, request.user)
        return Response(self.get_serializer(done, many=True).data)

    @extend_schema(request=serializers.PolicyBatchSerializer,
                   responses={200: serializers.PolicyApplicationSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None, url_path="grant", url_name="grant")
    def grant_batch(self, request):
        """免申即享: put each qualifying enterprise of the policy under review without an application."""
        return self._batch(request, applications.grant_without_application)

    @extend_schema(request=serializers.PolicyBatchSerializer, operation_id="policy_applications_publicise_batch",
                   responses={200: serializers.PolicyApplicationSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None, url_path="publicise", url_name="publicise-batch")
    def publicise_list(self, request):
        """Put every approved application of the policy on the public 公示 list."""
        return self._batch(request, applications.publicise_list)


STEP_METHODS = {"return": "return_for_more"}  # `return` cannot be a method's name


def _step_action(step, doc):
    def take(self, request, pk=None):
        return self._step(request, step)

    take.__doc__ = doc
    take.__name__ = STEP_METHODS.get(step, step)
    url_path = step.replace("_", "-")
    return extend_schema(request=serializers.STEP_SERIALIZERS[step],
                         responses={200: serializers.PolicyApplicationSerializer})(
        action(detail=True, methods=["post"], url_path=url_path, url_name=url_path)(take))


STEP_DOCS = {
    "start_review": "The department starts the review (submitted → under_review).",
    "return": "The department returns the application for more (`note`: what is missing) → returned.",
    "answer": "The enterprise answers a return (`note`, documents, a new amount) → under_review.",
    "approve": "The department approves (`amount` in fen; the amount applied for when left out) → approved.",
    "refuse": "The department refuses with a `reason` → refused.",
    "publicise": "The department or the chain office puts it on the public 公示 list → publicised.",
    "objection": "An objection came in during the 公示 window (`note`: what it says): back to under_review.",
    "pay": "The department records the payment after the objection window (`amount`, `paid_on`, `voucher`) → paid.",
    "receive": "The enterprise confirms receipt → received.",
}
for _step_name, _doc in STEP_DOCS.items():
    setattr(PolicyApplicationViewSet, STEP_METHODS.get(_step_name, _step_name), _step_action(_step_name, _doc))
