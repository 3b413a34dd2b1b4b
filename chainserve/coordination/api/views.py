from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from chainserve.chains.models import Chain
from chainserve.core.api import ScopedViewSet, drf_detail
from chainserve.core.choices import Role
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from .. import services
from ..filtersets import (
    ActionItemFilterSet,
    ActivityFilterSet,
    AgreementFilterSet,
    AllianceFilterSet,
    AllianceMemberFilterSet,
    AnnualListFilterSet,
    CommitteeFilterSet,
    CommitteeMemberFilterSet,
    CoverageFilterSet,
    InstructorFilterSet,
    ListItemFilterSet,
    MeetingFilterSet,
    PairingFilterSet,
    RegistrationFilterSet,
    VisitFilterSet,
)
from ..models import (
    ActionItem,
    Activity,
    Agreement,
    Alliance,
    AllianceMember,
    AnnualList,
    Attendance,
    Committee,
    CommitteeMember,
    Coverage,
    Decision,
    InstructorAssignment,
    ListItem,
    Meeting,
    Milestone,
    Pairing,
    Registration,
    Visit,
)
from . import serializers


def _service(call):
    """Run a service call; its refusals become the API's 400 {"field": ["message"]}."""
    try:
        return call()
    except DjangoValidationError as e:
        raise ValidationError(drf_detail(e)) from None
    except services.CoordinationError as e:
        raise ValidationError({"non_field_errors": [str(e)]}) from None


def _step(viewset, request, body_class, call, answer=status.HTTP_200_OK):
    """One step on a record, as its page takes it: who may act is answered first (404 outside the scope, 403 without
    the right to change it), then the body (400 at its field), then the page's service (400, nothing changed).
    The answer is the record as it is now."""
    obj = viewset.get_object()
    if not viewset.model.objects.restrict(request.user, "change").filter(pk=obj.pk).exists():
        raise PermissionDenied
    body = body_class(data=request.data)
    body.is_valid(raise_exception=True)
    _service(lambda: call(obj, body.validated_data))
    return Response(viewset.get_serializer(viewset.get_queryset().get(pk=obj.pk)).data, status=answer)


class CommitteeViewSet(ScopedViewSet):
    model = Committee
    serializer_class = serializers.CommitteeSerializer
    filterset_class = CommitteeFilterSet
    prefetch_related = ("members__organization",)
    ordering_fields = ["name", "level"]
    ordering = ["chain", "level", "id"]


class MeetingViewSet(ScopedViewSet):
    model = Meeting
    serializer_class = serializers.MeetingSerializer
    filterset_class = MeetingFilterSet
    # A decision without an action item is None only through select_related: prefetching the reverse one-to-one
    # queried it again for each such decision.
    # The attendance with its units in one query (a nested prefetch would add one only when a page has attendance).
    prefetch_related = ("agenda", Prefetch("attendance", queryset=Attendance.objects.select_related("organization")),
                        Prefetch("decisions", queryset=Decision.objects.select_related("action_item")))
    ordering_fields = ["starts_at", "title"]
    ordering = ["-starts_at", "-id"]

    @extend_schema(request=None, responses=serializers.MeetingSerializer)
    @action(detail=True, methods=["post"], url_path="build-agenda")
    def build_agenda(self, request, pk=None):
        """Put the demands escalated to the joint meeting of the meeting's chain on its agenda."""
        meeting = self.get_object()
        _service(lambda: services.build_agenda(meeting, request.user))
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)

    @extend_schema(request=serializers.DecisionInputSerializer, responses=serializers.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record a decision; it becomes an action item, and may resolve the agenda item's demand."""
        meeting = self.get_object()
        data = serializers.DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        owner = Organization.objects.filter(pk=d["owner"]).first()
        item = meeting.agenda.filter(pk=d.get("agenda_item")).first() if d.get("agenda_item") else None
        if d.get("agenda_item") and item is None:
            raise ValidationError({"agenda_item": ["The agenda item belongs to another meeting."]})
        _service(lambda: services.decide(meeting, request.user, services.DecisionInput(
            text=d["text"], owner=owner, due_on=d["due_on"], agenda_item=item,
            resolves_demand=d["resolves_demand"])))
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.CancelSerializer, responses=serializers.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a scheduled meeting with the reason; its member units' users are told."""
        return _cancel(self, request, services.cancel_meeting)

    @extend_schema(request=serializers.TopicInputSerializer, responses={201: serializers.MeetingSerializer})
    @action(detail=True, methods=["post"])
    def topics(self, request, pk=None):
        """Add a topic to the agenda (one not raised by a demand)."""
        return _step(self, request, serializers.TopicInputSerializer,
                     lambda m, d: services.add_topic(m, request.user, d["topic"]), status.HTTP_201_CREATED)

    @extend_schema(request=serializers.AttendanceInputSerializer, responses=serializers.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record who attended for a member unit of the committee (present, or excused with present false)."""
        def record(meeting, d):
            unit = Organization.objects.filter(pk=d["organization"],
                                               committee_memberships__committee=meeting.committee_id).first()
            if unit is None:
                raise ValidationError({"organization": [_("Choose a member unit of the meeting's committee.")]})
            services.record_attendance(meeting, request.user, unit, d["name"], d["present"])
        return _step(self, request, serializers.AttendanceInputSerializer, record)

    @extend_schema(request=serializers.MinutesInputSerializer, responses=serializers.MeetingSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        """Record the minutes: a scheduled meeting is held from then on (召开); a held one's minutes are replaced.
        A cancelled meeting refuses them."""
        return _step(self, request, serializers.MinutesInputSerializer,
                     lambda m, d: services.record_minutes(m, request.user, d["minutes"]))


class ActionItemViewSet(ScopedViewSet):
    """Action items are created by decisions and changed by reporting progress."""

    model = ActionItem
    serializer_class = serializers.ActionItemSerializer
    filterset_class = ActionItemFilterSet
    select_related = ("decision",)
    ordering_fields = ["due_on", "status"]
    ordering = ["status", "due_on", "id"]
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed("POST")

    @extend_schema(request=serializers.ProgressSerializer, responses=serializers.ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        item = self.get_object()
        data = serializers.ProgressSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = _service(lambda: services.update_action(item, request.user, **data.validated_data))
        return Response(self.get_serializer(item).data)


class ActivityViewSet(ScopedViewSet):
    model = Activity
    serializer_class = serializers.ActivitySerializer
    filterset_class = ActivityFilterSet
    ordering_fields = ["starts_at", "title", "kind"]
    ordering = ["-starts_at", "-id"]

    @extend_schema(request=serializers.CancelSerializer, responses=serializers.ActivitySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a planned activity with the reason; the enterprises signed up are told."""
        return _cancel(self, request, services.cancel_activity)

    @extend_schema(request=serializers.OutcomeInputSerializer, responses=serializers.ActivitySerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record what the activity achieved: it is held from then on (举办); a cancelled one refuses it."""
        return _step(self, request, serializers.OutcomeInputSerializer,
                     lambda a, d: services.record_outcome(a, request.user, **d))


class RegistrationViewSet(ScopedViewSet):
    """Sign-ups: an enterprise signs up for itself; check-in by the organisers."""

    model = Registration
    serializer_class = serializers.RegistrationSerializer
    filterset_class = RegistrationFilterSet
    prefetch_related = ("attendees",)
    ordering = ["activity", "id"]
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        user = self.request.user
        org = user.organization if user.role == Role.ENTERPRISE else d.get("organization")
        if org is None:
            raise ValidationError({"organization": ["Name the enterprise."]})
        activity = Activity.objects.restrict(user).filter(pk=d["activity"].pk).first()
        if activity is None:
            raise ValidationError({"activity": ["No such activity."]})
        attendees = [(a["name"], a.get("title", ""), a.get("phone", "")) for a in d["attendees"]]
        serializer.instance = _service(lambda: services.sign_up(activity, user, org, attendees, d.get("note", "")))

    @extend_schema(request=serializers.CheckInSerializer, responses=serializers.RegistrationSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        reg = self.get_object()
        data = serializers.CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.check_in(reg, request.user, data.validated_data.get("attendees"))
        return Response(self.get_serializer(self.get_queryset().get(pk=reg.pk)).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw a sign-up before the activity starts: an enterprise its own, the organisers any."""
        reg = self.get_object()
        _service(lambda: services.cancel_registration(reg, request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgreementViewSet(ScopedViewSet):
    model = Agreement
    serializer_class = serializers.AgreementSerializer
    filterset_class = AgreementFilterSet
    ordering_fields = ["signed_on", "amount_fen"]
    ordering = ["-signed_on", "-id"]

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if getattr(self.request.user, "role", None) == Role.PARTNER and hasattr(serializer, "fields"):
            # A partner names the enterprise it signed with and the chain, beyond the organisations it sees.
            serializer.fields["enterprise"].queryset = Organization.objects.filter(kind=OrgKind.ENTERPRISE)
            serializer.fields["chain"].queryset = Chain.objects.all()
        return serializer

    @extend_schema(request=None, responses=serializers.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The chain office confirms an agreement a partner recorded; from then on it counts in the figures."""
        agreement = self.get_object()
        _service(lambda: services.confirm_agreement(agreement, request.user))
        return Response(self.get_serializer(self.get_queryset().get(pk=agreement.pk)).data)


class VisitViewSet(ScopedViewSet):
    model = Visit
    serializer_class = serializers.VisitSerializer
    filterset_class = VisitFilterSet
    prefetch_related = ("demands", "files")
    ordering_fields = ["visited_on"]
    ordering = ["-visited_on", "-id"]

    def perform_create(self, serializer):
        serializer.save(visitor=self.request.user)

    @extend_schema(request={"multipart/form-data": serializers.VisitFilesInputSerializer},
                   responses=serializers.VisitSerializer)
    @action(detail=True, methods=["post"])
    def files(self, request, pk=None):
        """Add photos and documents to a visit (multipart, field `files`, several at once)."""
        visit = self.get_object()
        data = serializers.VisitFilesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(lambda: services.add_visit_files(visit, request.user, data.validated_data["files"]))
        return Response(self.get_serializer(self.get_queryset().get(pk=visit.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.VisitDemandInputSerializer, responses={201: serializers.VisitSerializer})
    @action(detail=True, methods=["post"])
    def demands(self, request, pk=None):
        """Record a demand the enterprise raised during the visit (channel: visit); it is linked to the visit."""
        return _step(self, request, serializers.VisitDemandInputSerializer,
                     lambda v, d: services.demand_from_visit(v, request.user, d["category"], d["title"],
                                                            d["description"]), status.HTTP_201_CREATED)


def _cancel(viewset, request, cancel):
    obj = viewset.get_object()
    data = serializers.CancelSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    _service(lambda: cancel(obj, request.user, data.validated_data["reason"]))
    return Response(viewset.get_serializer(viewset.get_queryset().get(pk=obj.pk)).data)


class AllianceViewSet(ScopedViewSet):
    model = Alliance
    serializer_class = serializers.AllianceSerializer
    filterset_class = AllianceFilterSet
    prefetch_related = ("members__organization",)
    ordering_fields = ["name"]
    ordering = ["chain", "name", "id"]


class PairingViewSet(ScopedViewSet):
    model = Pairing
    serializer_class = serializers.PairingSerializer
    filterset_class = PairingFilterSet
    ordering_fields = ["started_on"]
    ordering = ["-started_on", "-id"]


class InstructorViewSet(ScopedViewSet):
    model = InstructorAssignment
    serializer_class = serializers.InstructorSerializer
    filterset_class = InstructorFilterSet
    ordering_fields = ["started_on"]
    ordering = ["-started_on", "-id"]


class CoverageViewSet(ScopedViewSet):
    model = Coverage
    serializer_class = serializers.CoverageSerializer
    filterset_class = CoverageFilterSet
    ordering_fields = ["started_on", "kind"]
    ordering = ["enterprise", "kind", "id"]


class AnnualListViewSet(ScopedViewSet):
    model = AnnualList
    serializer_class = serializers.AnnualListSerializer
    filterset_class = AnnualListFilterSet
    ordering_fields = ["year", "title"]
    ordering = ["-year", "chain", "kind", "id"]


class ListItemViewSet(ScopedViewSet):
    """Items of the annual lists; progress and status move by posting updates to …/updates/."""

    model = ListItem
    serializer_class = serializers.ListItemSerializer
    filterset_class = ListItemFilterSet
    prefetch_related = ("milestones",)
    ordering_fields = ["code", "progress"]
    ordering = ["annual_list", "code", "id"]

    def get_queryset(self):
        return super().get_queryset().with_lateness()

    # The whole timeline as one list, not a page: pagination_class=None so the schema says so too.
    @extend_schema(request=None, responses=serializers.ItemUpdateSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="timeline", pagination_class=None)
    def timeline(self, request, pk=None):
        """The item's progress updates, newest first."""
        item = self.get_object()
        return Response(serializers.ItemUpdateSerializer(item.updates.all(), many=True).data)

    @extend_schema(request={"multipart/form-data": serializers.ItemUpdateInputSerializer,
                            "application/json": serializers.ItemUpdateInputSerializer},
                   responses={201: serializers.ItemUpdateSerializer})
    @action(detail=True, methods=["post"], url_path="updates", permission_classes=[IsAuthenticated])
    def post_update(self, request, pk=None):
        """Report progress on the item (a leaf's progress and status), with an evidence file."""
        item = self.get_object()
        data = serializers.ItemUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        update = _service(lambda: services.post_update(item, request.user, d["text"], d.get("progress"),
                                                       d.get("status") or "", d.get("evidence")))
        return Response(serializers.ItemUpdateSerializer(update).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.MilestoneInputSerializer, responses={201: serializers.ListItemSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def milestones(self, request, pk=None):
        """Add a dated milestone, optionally with the progress due by then (the item is behind past it)."""
        return _step(self, request, serializers.MilestoneInputSerializer,
                     lambda item, d: services.add_milestone(item, request.user, d["due_on"], d["title"],
                                                            d.get("target_progress")), status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.ListItemSerializer,
                   parameters=[OpenApiParameter("milestone", int, OpenApiParameter.PATH)])
    @action(detail=True, methods=["post"], url_path=r"milestones/(?P<milestone>[0-9]+)/done",
            permission_classes=[IsAuthenticated])
    def milestone_done(self, request, pk=None, milestone=None):
        """Mark a milestone of the item done today."""
        def done(item, _d):
            row = Milestone.objects.filter(pk=milestone, item=item).first()
            if row is None:
                raise NotFound
            services.milestone_done(row, request.user)
        return _step(self, request, serializers.EmptyInputSerializer, done)


class CommitteeMemberViewSet(ScopedViewSet):
    """Member units of committees; ending a membership (its to date) keeps it as history."""

    model = CommitteeMember
    serializer_class = serializers.CommitteeMemberSerializer
    filterset_class = CommitteeMemberFilterSet
    select_related = ("organization",)
    ordering_fields = ["started_on"]
    ordering = ["committee", "role", "started_on", "id"]


class AllianceMemberViewSet(ScopedViewSet):
    """Member units of alliances; ending a membership (its to date) keeps it as history."""

    model = AllianceMember
    serializer_class = serializers.AllianceMemberSerializer
    filterset_class = AllianceMemberFilterSet
    select_related = ("organization",)
    ordering_fields = ["started_on"]
    ordering = ["alliance", "role", "started_on", "id"]
