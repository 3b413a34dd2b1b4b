from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from chainserve.core.api import ScopedSerializer
from chainserve.core.models import Region, check_region_given
from chainserve.core.serializers import StrictModelSerializer, StrictSerializer

from .. import services
from ..choices import Expedited, OrgKind
from ..forms import ProductForm
from ..models import CorrectionRequest, Label, Organization, Person, Product, Relationship
from ..validators import clean_phone, clean_uscc


def _django_to_drf(fn, value):
    from django.core.exceptions import ValidationError

    try:
        return fn(value)
    except ValidationError as e:
        raise serializers.ValidationError(e.messages) from None


class PhoneField(serializers.CharField):
    """A phone number checked by clean_phone (mainland mobile or landline), kept in E.164 form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return _django_to_drf(clean_phone, super().to_internal_value(data))


class RegionSerializer(StrictModelSerializer):
    """A region of the tree (core.Region): an organisation's and a dispatch rule's `district` is one of these."""

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "path"]


class LabelSerializer(StrictModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "slug", "name"]


class ProductSerializer(ScopedSerializer):
    """A product or pipeline candidate (产品/管线): the product page's fields, checked by the same rules (the
    model's clean), saved through registry.services.save_product. Its organisation is given when it is added."""

    expedited = serializers.ListField(child=serializers.ChoiceField(choices=Expedited.choices), required=False,
                                      help_text=Product._meta.get_field("expedited").help_text)

    class Meta:
        model = Product
        fields = ["id", "organization", *ProductForm.Meta.fields, "created", "updated"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple) and not hasattr(
                self.instance, "model"):
            fields["organization"].read_only = True  # a product stays with its enterprise
        return fields

    def _write(self, instance, validated_data):
        for key, value in validated_data.items():
            setattr(instance, key, value)
        try:
            return services.save_product(self.context["request"].user, instance)
        except DjangoPermissionDenied:
            raise PermissionDenied from None


class OrganizationSerializer(ScopedSerializer):
    labels = serializers.SlugRelatedField(slug_field="slug", many=True, queryset=Label.objects.all(), required=False)
    products = ProductSerializer(many=True, read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id", "name", "short_name", "kind", "uscc", "district", "park", "founded_on", "size", "employees",
            "listing_status", "labels", "address", "website", "description", "products", "created", "updated",
        ]

    def validate_uscc(self, value):
        return _django_to_drf(clean_uscc, value) if value else None

    def validate_park(self, value):
        if value is not None and value.kind != OrgKind.PARK:
            raise serializers.ValidationError("not a park")
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        uscc = attrs.get("uscc", getattr(self.instance, "uscc", None))
        if kind == OrgKind.ENTERPRISE and not uscc:
            from django.utils.translation import gettext as _

            raise serializers.ValidationError({"uscc": [_("An enterprise needs its unified social credit code.")]})
        region = attrs.get("district", getattr(self.instance, "district", None))
        try:
            check_region_given(self.context["request"].user, region, "district")
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.message_dict) from None
        return attrs


class PersonSerializer(ScopedSerializer):
    phone = PhoneField()

    class Meta:
        model = Person
        fields = ["id", "name", "organization", "title", "phone", "email", "created", "updated"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.is_staff_role:
            data.pop("phone", None)  # phone numbers are for staff only
        return data


class RelationshipSerializer(ScopedSerializer):
    class Meta:
        model = Relationship
        fields = ["id", "source", "kind", "target", "started_on", "ended_on", "note", "created", "updated"]


class CorrectionRequestSerializer(StrictModelSerializer):
    """A correction request as read; asked with organization, field, proposed_value (a list of label ids for
    labels) and reason, through registry.services.request_correction."""

    proposed_value = serializers.JSONField(write_only=True, required=False, default="")
    proposed = serializers.CharField(source="proposed_value", read_only=True)

    class Meta:
        model = CorrectionRequest
        fields = ["id", "organization", "field", "current_value", "proposed", "proposed_value", "reason", "status",
                  "created", "decided_by", "decided_at", "refusal_reason"]
        read_only_fields = ["current_value", "status", "created", "decided_by", "decided_at", "refusal_reason"]
        extra_kwargs = {"reason": {"required": False, "allow_blank": True}}


class ApprovalSerializer(StrictSerializer):
    """Approving a correction request takes no field (a field sent is a 400 naming it)."""


class RefusalSerializer(StrictSerializer):
    refusal_reason = serializers.CharField(max_length=2000, allow_blank=True, default="",
                                           help_text=_("Why the request is refused (required to refuse)."))
