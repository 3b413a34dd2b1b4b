from django.utils import timezone
from rest_framework import serializers

from chainserve.core.serializers import StrictModelSerializer, StrictSerializer
from chainserve.resources.models import FinancialProduct, Policy

from .. import benefits as benefit_rules
from .. import profiles, rules, services
from ..choices import BaseKind
from ..models import ITEM_FIELDS, DemandResource, Match, Rule, RuleVersion


class ExpressionField(serializers.JSONField):
    """A rule as JSON; refused with the path of its wrong part."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        try:
            return rules.validate(data)
        except rules.RuleError as e:
            raise serializers.ValidationError(str(e)) from None


class BenefitsField(serializers.JSONField):
    """A version's benefits as JSON (matching.benefits); refused with the path of the wrong part."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        try:
            return benefit_rules.validate(data)
        except rules.RuleError as e:
            raise serializers.ValidationError(str(e)) from None


class RuleVersionSerializer(StrictModelSerializer):
    class Meta:
        model = RuleVersion
        fields = ["number", "expression", "benefits", "benefit_cap", "effective_from", "effective_to", "note",
                  "created"]


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
    benefits = BenefitsField(required=False, default=list, help_text="What a qualifying enterprise may get: a list "
                             "of items (see the user guide); amounts in 万元 as text.")
    benefit_cap = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                           max_value=benefit_rules.MAX_DECLARED_FEN,
                                           help_text="Cap per enterprise and year over all items, in fen.")
    effective_from = serializers.DateField(required=False, allow_null=True)
    effective_to = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate(self, attrs):
        if bool(attrs.get("policy")) == bool(attrs.get("product")):
            raise serializers.ValidationError({"policy": ["Name exactly one policy or one financial product."]})
        return attrs


class ExpressionSerializer(StrictSerializer):
    """A rule to check, and optionally the benefits and cap a version would carry with it."""

    expression = ExpressionField()
    benefits = BenefitsField(required=False, default=list, help_text="As on a new version; checked too.")
    benefit_cap = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                           max_value=benefit_rules.MAX_DECLARED_FEN,
                                           help_text="Cap per enterprise and year over all items, in fen.")


class ValidationResultSerializer(StrictSerializer):
    valid = serializers.BooleanField()
    conditions = serializers.ListField(child=serializers.CharField())
    benefits = serializers.ListField(child=serializers.CharField(), help_text="Each benefit item in words, "
                                     "then the cap per enterprise and year if any.")
    qualifying = serializers.IntegerField(help_text="How many enterprises the rule selects today.")
    examples = serializers.ListField(child=serializers.CharField(), help_text="The first few of them, by name.")


class MatchSerializer(StrictModelSerializer):
    item_title = serializers.SerializerMethodField()
    version = serializers.SlugRelatedField(slug_field="number", read_only=True)
    amount = serializers.SerializerMethodField(help_text="For the enterprise itself: what it may get (fen) with the "
                                               "trace of each item; null for others or without benefits.")

    class Meta:
        model = Match
        fields = ["id", "enterprise", "rule", "item_title", "version", "state", "qualifies", "amount", "created",
                  "updated", "opened_at", "applied_at"]
        read_only_fields = fields

    def get_item_title(self, match) -> str:
        return match.rule.item.title

    def get_amount(self, match) -> dict | None:
        request = self.context.get("request")
        if request is None or not services.may_set_state(match, request.user) or not match.version.benefits:
            return None
        profile = self.context.setdefault("profiles", {}).get(match.enterprise_id)
        if profile is None:  # one enterprise's matches share its profile: read once per response
            profile = self.context["profiles"][match.enterprise_id] = profiles.profile_of(match.enterprise)
        today = timezone.localdate()
        known = self._declared(match).get((match.rule_id, services.benefit_year(match.version, today)), {})
        return services.amount_of(match, profile, today, inputs=known).as_dict()

    def _declared(self, match):
        """{(rule id, year): {base: amount}} the match's enterprise declared for the rules of the matches
        serialised with it (the page): one query per enterprise and response, as the 为您匹配 page reads them."""
        declared = self.context.setdefault("declared", {})
        if match.enterprise_id not in declared:
            together = getattr(self.parent, "instance", None) or [match]
            rule_ids = {m.rule_id for m in together if m.enterprise_id == match.enterprise_id} | {match.rule_id}
            declared[match.enterprise_id] = services.declared_for_enterprise(match.enterprise_id, rule_ids)
        return declared[match.enterprise_id]


class DeclareSerializer(StrictSerializer):
    """A base the enterprise declares for a match's benefits: fen (persons for headcount), for the policy year
    unless `year` says the one before."""

    kind = serializers.ChoiceField(choices=BaseKind.choices)
    amount = serializers.IntegerField(min_value=0, max_value=benefit_rules.MAX_DECLARED_FEN)
    year = serializers.IntegerField(required=False, allow_null=True, default=None)


class MatchActionSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=sorted(services.STATE_ACTIONS))


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
