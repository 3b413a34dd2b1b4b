from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from chainserve.core.api import ScopedSerializer
from chainserve.core.serializers import StrictModelSerializer, StrictSerializer

from .. import services
from ..forms import owner_choices
from ..models import (
    Achievement,
    ApplicationEvent,
    Equipment,
    Expert,
    FinancialProduct,
    Policy,
    PolicyApplication,
    Space,
    TalentProgramme,
)

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
             "granted_without_application", "apply_until", "url"])
FinancialProductSerializer = catalogue_serializer(
    FinancialProduct, ["kind", "amount_min", "amount_max", "term", "rate", "benefit"])
SpaceSerializer = catalogue_serializer(Space, ["kind", "address", "area_m2", "rent", "available_from"])
EquipmentSerializer = catalogue_serializer(Equipment, ["kind", "location", "booking_terms"])
ExpertSerializer = catalogue_serializer(Expert, ["position", "expertise"])
TalentProgrammeSerializer = catalogue_serializer(TalentProgramme, ["apply_until", "benefit"])
AchievementSerializer = catalogue_serializer(
    Achievement, ["technical_field", "transfer_mode", "patents", "maturity"])


class PolicyApplicationSerializer(StrictModelSerializer):
    """An application as the API shows it; amounts in fen. Created by POST (the enterprise applies)."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    policy_title = serializers.CharField(source="policy.title", read_only=True)

    class Meta:
        model = PolicyApplication
        fields = ["id", "enterprise", "enterprise_name", "policy", "policy_title", "state", "version",
                  "without_application", "amount_applied", "amount_approved", "amount_paid", "inputs", "statement",
                  "refusal_reason", "submitted_at", "review_due", "objection_until", "paid_on",
                  "working_days_to_payment", "created", "updated"]
        read_only_fields = [f for f in fields if f not in ("policy", "amount_applied", "inputs", "statement")]


class ApplySerializer(StrictSerializer):
    """The body of an application: the policy, the amount applied for (fen), declared inputs, documents."""

    policy = serializers.PrimaryKeyRelatedField(queryset=Policy.objects.all())
    amount_applied = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    inputs = serializers.DictField(required=False)
    statement = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    files = serializers.ListField(child=serializers.FileField(), required=False)


class PolicyBatchSerializer(StrictSerializer):
    policy = serializers.PrimaryKeyRelatedField(queryset=Policy.objects.all())


class DocumentRefSerializer(StrictSerializer):
    """A document of an application's step: its id, file name, kind and size in bytes."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()


class ApplicationEventSerializer(StrictModelSerializer):
    actor = serializers.StringRelatedField()
    documents = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationEvent
        fields = ["id", "type", "actor", "at", "from_state", "to_state", "note", "data", "documents"]

    @extend_schema_field(DocumentRefSerializer(many=True))
    def get_documents(self, event):
        return [{"id": d.id, "name": d.name, "kind": d.kind, "size": d.size} for d in event.documents.all()]


def _step_serializer(name, fields):
    """The body a step takes: the version the actor saw and the step's own fields, nothing else."""
    available = {
        "version": serializers.IntegerField(required=False, min_value=1),
        "note": serializers.CharField(required=False, allow_blank=True, max_length=5000),
        "reason": serializers.CharField(max_length=5000),
        "amount": serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                           help_text="fen"),
        "paid_on": serializers.DateField(required=False),
        "voucher": serializers.FileField(),
        "files": serializers.ListField(child=serializers.FileField(), required=False),
    }
    attrs = {f: available[f] for f in ("version", *fields)}
    return type(f"{name.title().replace('_', '')}StepSerializer", (StrictSerializer,), attrs)


STEP_BODIES = {
    "start_review": ("note",), "return": ("note",), "answer": ("note", "amount", "files"),
    "approve": ("amount", "note"), "refuse": ("reason",), "publicise": ("note",), "objection": ("note",),
    "pay": ("amount", "paid_on", "voucher", "note"), "receive": ("note",),
}
STEP_SERIALIZERS = {step: _step_serializer(step, fields) for step, fields in STEP_BODIES.items()}
