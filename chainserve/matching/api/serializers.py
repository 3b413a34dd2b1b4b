from rest_framework import serializers

from chainserve.core.serializers import StrictModelSerializer, StrictSerializer
from chainserve.resources.models import FinancialProduct, Policy

from .. import rules
from ..models import ITEM_FIELDS, DemandResource, Match, Rule, RuleVersion
from ..services import STATE_ACTIONS


class ExpressionField(serializers.JSONField):
    """A rule as JSON; refused with the path of its wrong part."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        try:
            return rules.validate(data)
        except rules.RuleError as e:
            raise serializers.ValidationError(str(e)) from None


class RuleVersionSerializer(StrictModelSerializer):
    class Meta:
        model = RuleVersion
        fields = ["number", "expression", "effective_from", "effective_to", "note", "created"]


class RuleSerializer(StrictModelSerializer):
    versions = RuleVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Rule
        fields = ["id", "policy", "product", "active", "versions", "created", "updated"]
        read_only_fields = fields


class RuleWriteSerializer(StrictSerializer):
    """A new version of the rule of a policy or financial product (the rule is created with its first one)."""

    policy = serializers.PrimaryKeyRelatedField(queryset=Policy.objects.all(), required=False, allow_null=True)
    product = serializers.PrimaryKeyRelatedField(queryset=FinancialProduct.objects.all(), required=False,
                                                 allow_null=True)
    expression = ExpressionField()
    effective_from = serializers.DateField(required=False, allow_null=True)
    effective_to = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate(self, attrs):
        if bool(attrs.get("policy")) == bool(attrs.get("product")):
            raise serializers.ValidationError({"policy": ["Name exactly one policy or one financial product."]})
        return attrs


class ExpressionSerializer(StrictSerializer):
    expression = ExpressionField()


class ValidationResultSerializer(StrictSerializer):
    valid = serializers.BooleanField()
    conditions = serializers.ListField(child=serializers.CharField())


class MatchSerializer(StrictModelSerializer):
    item_title = serializers.SerializerMethodField()
    version = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Match
        fields = ["id", "enterprise", "rule", "item_title", "version", "state", "qualifies", "created", "updated",
                  "opened_at", "applied_at"]
        read_only_fields = fields

    def get_item_title(self, match) -> str:
        return match.rule.item.title


class MatchActionSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=sorted(STATE_ACTIONS))


class AttachInputSerializer(StrictSerializer):
    """A catalogue item to attach to a demand (推荐资源), as the demand's suggestions page does."""

    demand = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ITEM_FIELDS, help_text="The catalogue the item is in.")
    item = serializers.IntegerField(help_text="The id of a published item of that catalogue.")
    reasons = serializers.ListField(child=serializers.CharField(max_length=200), max_length=10, required=False,
                                    default=list, help_text="Why it fits, shown with it on the demand.")


class DemandResourceSerializer(StrictModelSerializer):
    kind = serializers.SerializerMethodField()
    item = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()

    class Meta:
        model = DemandResource
        fields = ["id", "demand", "kind", "item", "title", "reasons", "attached_by", "created"]
        read_only_fields = fields

    def _item(self, row):
        return next(getattr(row, name) for name in ITEM_FIELDS if getattr(row, f"{name}_id") is not None)

    def get_kind(self, row) -> str:
        return next(name for name in ITEM_FIELDS if getattr(row, f"{name}_id") is not None)

    def get_item(self, row) -> int:
        return self._item(row).pk

    def get_title(self, row) -> str:
        return self._item(row).title
