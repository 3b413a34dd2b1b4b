from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from chainserve.core.api import ScopedViewSet, drf_detail

from .. import filtersets, services
from ..models import Achievement, Equipment, Expert, FinancialProduct, Policy, Space, TalentProgramme
from . import serializers


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
