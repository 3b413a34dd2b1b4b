from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from chainserve.core.api import ScopedSerializer
from chainserve.core.choices import Role
from chainserve.core.models import Region, User, check_region_given
from chainserve.core.serializers import StrictModelSerializer, StrictSerializer
from chainserve.registry.validators import clean_uscc

from ..choices import LeadStage
from ..models import Candidate, Chain, Lead, LeadEvent, Placement, Segment, office_staff


class ChainSerializer(ScopedSerializer):
    # Office staff by user name; an office user setting up a chain is added to it (models.office_staff).
    staff = serializers.SlugRelatedField(slug_field="username", many=True, required=False,
                                         queryset=User.objects.filter(role=Role.OFFICE, is_active=True))
    # The chain's region, of its level, under the name integrators use since chains were a city's (`district`).
    district = serializers.PrimaryKeyRelatedField(source="region", queryset=Region.objects.all(), required=False,
                                                  allow_null=True, default=None)

    class Meta:
        model = Chain
        fields = ["id", "name", "level", "district", "parent", "leader", "office", "staff", "description", "created",
                  "updated"]

    def validate(self, attrs):
        if "staff" in attrs or self.instance is None:
            attrs["staff"] = office_staff(attrs.get("staff"), self.context["request"].user)
        try:
            check_region_given(self.context["request"].user, attrs.get("region", getattr(self.instance, "region", None)),
                               "district")
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.message_dict) from None
        return super().validate(attrs)


class SegmentSerializer(ScopedSerializer):
    class Meta:
        model = Segment
        fields = ["id", "chain", "parent", "name", "stage", "gbt_code", "import_dependent", "position",
                  "description", "created", "updated"]


class PlacementSerializer(ScopedSerializer):
    chain = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Placement
        fields = ["id", "chain", "segment", "organization", "role", "note", "created", "updated"]


class CandidateSerializer(ScopedSerializer):
    def validate(self, attrs):
        attrs = super().validate(attrs)
        chain = attrs.get("chain") or getattr(self.instance, "chain", None)
        segments = attrs.get("segments")
        if segments is not None and chain is not None and any(s.chain_id != chain.pk for s in segments):
            raise serializers.ValidationError({"segments": [_("Every segment must belong to the candidate's chain.")]})
        if attrs.get("uscc"):
            try:
                attrs["uscc"] = clean_uscc(attrs["uscc"])
            except DjangoValidationError as e:
                raise serializers.ValidationError({"uscc": e.messages}) from None
        return attrs

    class Meta:
        model = Candidate
        fields = ["id", "chain", "name", "region", "uscc", "segments", "products", "size", "revenue", "note",
                  "created", "updated"]


class LeadEventSerializer(StrictModelSerializer):
    class Meta:
        model = LeadEvent
        fields = ["id", "from_stage", "to_stage", "amount", "note", "at", "by"]


class LeadSerializer(ScopedSerializer):
    chain = serializers.PrimaryKeyRelatedField(read_only=True)
    events = LeadEventSerializer(many=True, read_only=True)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # a lead keeps its candidate and segment
            for name in ("candidate", "segment"):
                fields[name].read_only = True
        return fields

    class Meta:
        model = Lead
        fields = ["id", "candidate", "segment", "chain", "stage", "amount", "owner", "note", "version",
                  "stage_changed_at", "events", "created", "updated"]
        read_only_fields = ["stage", "amount", "version", "stage_changed_at"]


class MoveLeadSerializer(StrictSerializer):
    stage = serializers.ChoiceField(choices=LeadStage.choices)
    version = serializers.IntegerField(min_value=1)
    amount = serializers.IntegerField(min_value=0, max_value=10**15, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
