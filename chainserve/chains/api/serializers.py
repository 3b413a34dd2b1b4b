from rest_framework import serializers

from chainserve.core.api import ScopedSerializer

from ..models import Chain, Placement, Segment


class ChainSerializer(ScopedSerializer):
    class Meta:
        model = Chain
        fields = ["id", "name", "level", "district", "parent", "leader", "office", "description", "created", "updated"]


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
