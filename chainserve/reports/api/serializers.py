from rest_framework import serializers

from ..models import Bulletin


class BulletinSerializer(serializers.ModelSerializer):
    figures = serializers.JSONField(source="data", read_only=True)
    # null while the bulletin is the latest version (the schema must say so: a reverse one-to-one has no null=True)
    superseded_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Bulletin
        fields = ["id", "title", "start", "end", "chain", "district", "version", "supersedes",
                  "superseded_by", "summary", "computed_at", "published_at", "published_by", "note", "figures"]
        read_only_fields = fields


class ComputeSerializer(serializers.Serializer):
    """The period and scope of a bulletin to compute or publish (as on the bulletin page)."""

    start = serializers.DateField()
    end = serializers.DateField()
    chain = serializers.IntegerField(required=False)
    district = serializers.IntegerField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
