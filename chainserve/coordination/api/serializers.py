from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError

from chainserve.core.api import ScopedSerializer, drf_detail
from chainserve.core.serializers import StrictModelSerializer, StrictSerializer
from chainserve.demands.models import Category
from chainserve.registry.api.serializers import PhoneField

from .. import services
from ..choices import ItemStatus
from ..models import (
    ActionItem,
    Activity,
    AgendaItem,
    Agreement,
    Alliance,
    AllianceMember,
    AnnualList,
    Attendance,
    Attendee,
    Committee,
    CommitteeMember,
    Coverage,
    Decision,
    InstructorAssignment,
    ItemUpdate,
    ListItem,
    Meeting,
    Milestone,
    Pairing,
    Registration,
    Visit,
    VisitFile,
)


def _organization_name():
    """The name of the row's organisation beside its id, read-only (a client may send it back unchanged)."""
    return serializers.CharField(source="organization.name", read_only=True)


class CommitteeMemberSerializer(ScopedSerializer):
    organization_name = _organization_name()

    class Meta:
        model = CommitteeMember
        fields = ["id", "committee", "organization", "organization_name", "role", "person", "started_on",
                  "ended_on"]


class CommitteeSerializer(ScopedSerializer):
    members = CommitteeMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "chain", "level", "name", "convener", "established_on", "description", "members",
                  "created", "updated"]


class AgendaItemSerializer(StrictModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "demand", "topic", "position", "resolved"]


class DecisionSerializer(StrictModelSerializer):
    action_item = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "agenda_item", "text", "action_item", "created"]


class AttendanceSerializer(StrictModelSerializer):
    organization_name = _organization_name()

    class Meta:
        model = Attendance
        fields = ["id", "organization", "organization_name", "name", "present"]


class MeetingSerializer(ScopedSerializer):
    """A meeting; its status, minutes, agenda, attendance and decisions change only through its steps
    (…/minutes/, …/topics/, …/attendance/, …/decide/, …/cancel/)."""

    chain = serializers.PrimaryKeyRelatedField(read_only=True)
    agenda = AgendaItemSerializer(many=True, read_only=True)
    attendance = AttendanceSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "committee", "chain", "title", "starts_at", "location", "status", "minutes", "cancel_reason",
                  "agenda", "attendance", "decisions", "created", "updated"]
        read_only_fields = ["status", "minutes", "cancel_reason"]


class TopicInputSerializer(StrictSerializer):
    topic = serializers.CharField(max_length=200)


class AttendanceInputSerializer(StrictSerializer):
    organization = serializers.IntegerField(help_text="A member unit of the meeting's committee.")
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    present = serializers.BooleanField(default=True)


class MinutesInputSerializer(StrictSerializer):
    minutes = serializers.CharField(help_text="The minutes; a scheduled meeting whose minutes are recorded is held.")


class DecisionInputSerializer(StrictSerializer):
    text = serializers.CharField()
    owner = serializers.IntegerField()
    due_on = serializers.DateField()
    agenda_item = serializers.IntegerField(required=False, allow_null=True)
    resolves_demand = serializers.BooleanField(default=False)


class ActionItemSerializer(StrictModelSerializer):
    decision = serializers.CharField(source="decision.text", read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "decision", "owner", "due_on", "status", "progress", "done_at", "created",
                  "updated"]
        read_only_fields = fields


class ProgressSerializer(StrictSerializer):
    progress = serializers.CharField()
    done = serializers.BooleanField(default=False)


class ActivitySerializer(ScopedSerializer):
    """An activity; its status and outcome change only through …/outcome/ and …/cancel/."""

    class Meta:
        model = Activity
        fields = ["id", "chain", "kind", "title", "starts_at", "location", "organizer", "description",
                  "open_to_enterprises", "capacity", "status", "outcome", "leads_found", "demands_raised",
                  "cancel_reason", "created", "updated"]
        read_only_fields = ["status", "outcome", "leads_found", "demands_raised", "cancel_reason"]


class OutcomeInputSerializer(StrictSerializer):
    outcome = serializers.CharField(help_text="What the activity achieved; the activity is held from then on.")
    leads_found = serializers.IntegerField(min_value=0, default=0)
    demands_raised = serializers.IntegerField(min_value=0, default=0)


class AttendeeSerializer(StrictModelSerializer):
    phone = PhoneField()

    class Meta:
        model = Attendee
        fields = ["id", "name", "title", "phone", "checked_in_at"]
        read_only_fields = ["checked_in_at"]


class RegistrationSerializer(StrictModelSerializer):
    attendees = AttendeeSerializer(many=True)
    organization = serializers.PrimaryKeyRelatedField(queryset=Registration._meta.get_field(
        "organization").related_model.objects.all(), required=False)

    class Meta:
        model = Registration
        fields = ["id", "activity", "organization", "code", "note", "attendees", "created"]
        read_only_fields = ["code", "created"]
        validators = []  # the sign-up service checks "once per enterprise" with the enterprise it decides on


class CheckInSerializer(StrictSerializer):
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False)


class AgreementSerializer(ScopedSerializer):
    """A partner's write records its own agreement, waiting for the office's confirmation (record_agreement)."""

    amount_display = serializers.CharField(read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "chain", "kind", "title", "institution", "enterprise", "amount_fen", "amount_display",
                  "signed_on", "activity", "note", "status", "confirmed_by", "confirmed_at", "created", "updated"]
        read_only_fields = ["status", "confirmed_by", "confirmed_at"]

    def _write(self, instance, validated_data):
        for key, value in validated_data.items():
            setattr(instance, key, value)
        try:
            return services.record_agreement(self.context["request"].user, instance)
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        except DjangoValidationError as e:
            raise ValidationError(drf_detail(e)) from None


class VisitFileSerializer(StrictModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = VisitFile
        fields = ["id", "name", "size", "content_type", "url", "created"]


class VisitFilesInputSerializer(StrictSerializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class VisitDemandInputSerializer(StrictSerializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()


class VisitSerializer(ScopedSerializer):
    visitor = serializers.PrimaryKeyRelatedField(read_only=True)
    demands = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    files = VisitFileSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "organization", "visitor", "visited_on", "purpose", "notes", "demands", "files", "created",
                  "updated"]


class AllianceMemberSerializer(ScopedSerializer):
    organization_name = _organization_name()

    class Meta:
        model = AllianceMember
        fields = ["id", "alliance", "organization", "organization_name", "role", "started_on", "ended_on"]


class AllianceSerializer(ScopedSerializer):
    members = AllianceMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Alliance
        fields = ["id", "chain", "name", "founded_on", "description", "members", "created", "updated"]


class PairingSerializer(ScopedSerializer):
    class Meta:
        model = Pairing
        fields = ["id", "agency_branch", "enterprise", "enterprise_branch", "started_on", "ended_on", "note",
                  "created", "updated"]


class InstructorSerializer(ScopedSerializer):
    class Meta:
        model = InstructorAssignment
        fields = ["id", "enterprise", "kind", "person", "user", "started_on", "ended_on", "created", "updated"]


class CoverageSerializer(ScopedSerializer):
    class Meta:
        model = Coverage
        fields = ["id", "enterprise", "kind", "started_on", "ended_on", "note", "created", "updated"]


class AnnualListSerializer(ScopedSerializer):
    class Meta:
        model = AnnualList
        fields = ["id", "chain", "year", "kind", "title", "public", "created", "updated"]


class MilestoneSerializer(StrictModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "due_on", "title", "target_progress", "done_on"]
        read_only_fields = ["done_on"]


class MilestoneInputSerializer(StrictSerializer):
    due_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    target_progress = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)


class ItemUpdateSerializer(StrictModelSerializer):
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = ItemUpdate
        fields = ["id", "text", "progress", "status", "evidence", "author", "at"]

    def get_evidence(self, obj) -> str | None:
        return reverse("coordination:evidence", args=[obj.pk]) if obj.evidence else None


class ListItemSerializer(ScopedSerializer):
    """A list item; its progress and status change through progress updates (POST …/updates/)."""

    milestones = MilestoneSerializer(many=True, read_only=True)
    behind = serializers.BooleanField(read_only=True, help_text="滞后: a milestone's date passed below its target.")

    class Meta:
        model = ListItem
        fields = ["id", "annual_list", "parent", "code", "title", "owner", "target", "weight", "progress", "status",
                  "behind", "contact", "milestones", "created", "updated"]
        read_only_fields = ["progress", "status"]

    def _write(self, instance, validated_data):
        for key, value in validated_data.items():
            setattr(instance, key, value)
        try:
            return services.save_item(self.context["request"].user, instance)
        except DjangoPermissionDenied:
            raise PermissionDenied from None


class ItemUpdateInputSerializer(StrictSerializer):
    text = serializers.CharField()
    progress = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    status = serializers.ChoiceField(choices=ItemStatus.choices, required=False, allow_blank=True)
    evidence = serializers.FileField(required=False)


class EmptyInputSerializer(StrictSerializer):
    """A step that takes nothing: any field sent is a 400 naming it."""


class CancelSerializer(StrictSerializer):
    reason = serializers.CharField()
