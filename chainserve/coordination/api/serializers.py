from rest_framework import serializers

from chainserve.core.api import ScopedSerializer

from ..models import (
    ActionItem,
    Activity,
    AgendaItem,
    Agreement,
    Attendee,
    Committee,
    CommitteeMember,
    Decision,
    Meeting,
    Registration,
    Visit,
)


class CommitteeMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeMember
        fields = ["id", "organization", "role", "person", "started_on", "ended_on"]


class CommitteeSerializer(ScopedSerializer):
    members = CommitteeMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "chain", "level", "name", "convener", "established_on", "description", "members",
                  "created", "updated"]


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "demand", "topic", "position", "resolved"]


class DecisionSerializer(serializers.ModelSerializer):
    action_item = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "agenda_item", "text", "action_item", "created"]


class MeetingSerializer(ScopedSerializer):
    chain = serializers.PrimaryKeyRelatedField(read_only=True)
    agenda = AgendaItemSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "committee", "chain", "title", "starts_at", "location", "status", "minutes", "agenda",
                  "decisions", "created", "updated"]
        read_only_fields = ["status", "minutes"]


class DecisionInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    owner = serializers.IntegerField()
    due_on = serializers.DateField()
    agenda_item = serializers.IntegerField(required=False, allow_null=True)
    resolves_demand = serializers.BooleanField(default=False)


class ActionItemSerializer(serializers.ModelSerializer):
    decision = serializers.CharField(source="decision.text", read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "decision", "owner", "due_on", "status", "progress", "done_at", "created",
                  "updated"]
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    progress = serializers.CharField()
    done = serializers.BooleanField(default=False)


class ActivitySerializer(ScopedSerializer):
    class Meta:
        model = Activity
        fields = ["id", "chain", "kind", "title", "starts_at", "location", "organizer", "description",
                  "open_to_enterprises", "capacity", "status", "outcome", "leads_found", "demands_raised",
                  "created", "updated"]
        read_only_fields = ["status", "outcome", "leads_found", "demands_raised"]


class AttendeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendee
        fields = ["id", "name", "title", "phone", "checked_in_at"]
        read_only_fields = ["checked_in_at"]


class RegistrationSerializer(serializers.ModelSerializer):
    attendees = AttendeeSerializer(many=True)
    organization = serializers.PrimaryKeyRelatedField(queryset=Registration._meta.get_field(
        "organization").related_model.objects.all(), required=False)

    class Meta:
        model = Registration
        fields = ["id", "activity", "organization", "code", "note", "attendees", "created"]
        read_only_fields = ["code", "created"]
        validators = []  # the sign-up service checks "once per enterprise" with the enterprise it decides on


class CheckInSerializer(serializers.Serializer):
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False)


class AgreementSerializer(ScopedSerializer):
    amount_display = serializers.CharField(read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "chain", "kind", "title", "institution", "enterprise", "amount_fen", "amount_display",
                  "signed_on", "activity", "note", "created", "updated"]


class VisitSerializer(ScopedSerializer):
    visitor = serializers.PrimaryKeyRelatedField(read_only=True)
    demands = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "organization", "visitor", "visited_on", "purpose", "notes", "demands", "created",
                  "updated"]
