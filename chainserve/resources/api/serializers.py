from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from chainserve.core.api import ScopedSerializer

from .. import services
from ..forms import owner_choices
from ..models import Achievement, Equipment, Expert, FinancialProduct, Policy, Space, TalentProgramme

COMMON = ["id", "title", "description", "tags", "status", "published_at", "created", "updated"]


class CatalogueSerializer(ScopedSerializer):
    """An item with its tags as a list of names; written through resources.services.save_item."""

    tags = serializers.ListField(child=serializers.CharField(max_length=40), source="tag_names", required=False)

    def get_fields(self):
        fields = super().get_fields()
        user = getattr(self.context.get("request"), "user", None)
        owner = fields[self.Meta.model.owner_field]
        if user is not None and user.is_authenticated:
            owner.queryset = owner_choices(self.Meta.model, user)
        return fields

    def validate(self, attrs):
        names = attrs.pop("tag_names", None)
        attrs = super().validate(attrs)
        if names is not None:
            attrs["tag_names"] = list(dict.fromkeys(names))
        return attrs

    def _write(self, instance, validated_data):
        names = validated_data.pop("tag_names", None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        try:
            return services.save_item(self.context["request"].user, instance, names)
        except DjangoPermissionDenied:
            raise PermissionDenied from None


def catalogue_serializer(model, fields):
    meta = type("Meta", (), {"model": model, "fields": COMMON[:2] + [model.owner_field, *fields] + COMMON[2:],
                             "read_only_fields": ["status", "published_at"]})
    return type(f"{model.__name__}Serializer", (CatalogueSerializer,), {"Meta": meta})


PolicySerializer = catalogue_serializer(
    Policy, ["level", "document_number", "effective_from", "effective_to", "benefit", "application_guide",
             "granted_without_application", "url"])
FinancialProductSerializer = catalogue_serializer(
    FinancialProduct, ["kind", "amount_min", "amount_max", "term", "rate", "benefit"])
SpaceSerializer = catalogue_serializer(Space, ["kind", "address", "area_m2", "rent", "available_from"])
EquipmentSerializer = catalogue_serializer(Equipment, ["kind", "location", "booking_terms"])
ExpertSerializer = catalogue_serializer(Expert, ["position", "expertise"])
TalentProgrammeSerializer = catalogue_serializer(TalentProgramme, ["apply_until", "benefit"])
AchievementSerializer = catalogue_serializer(
    Achievement, ["technical_field", "transfer_mode", "patents", "maturity"])
