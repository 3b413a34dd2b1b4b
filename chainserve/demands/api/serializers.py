from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chainserve.core.api import ScopedSerializer
from chainserve.core.models import Region, oversees
from chainserve.core.reference import per_process
from chainserve.core.serializers import StrictModelSerializer, StrictSerializer
from chainserve.core.uploads import check_files
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from ..choices import AssignmentRole, Channel, Priority, ProposalGrade, Rating
from ..models import Assignment, Category, ChainIssue, Demand, DemandEvent, DispatchRule, StandardReply
from ..permissions import PARTNER_KINDS, available_actions, may_write_citywide_rules


class CategorySerializer(StrictModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name"]


class DemandEventSerializer(StrictModelSerializer):
    # null for the platform's own steps (overdue escalation) and once the user is deleted
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = DemandEvent
        fields = ["id", "type", "actor", "at", "from_status", "to_status", "note", "data"]


class CoHandlerSerializer(StrictModelSerializer):
    """A unit co-handling a demand (协办): a department, or a partner institution (a bank, investor or fund)."""

    organization = serializers.IntegerField(source="department_id", read_only=True)
    name = serializers.CharField(source="department.name", read_only=True)
    kind = serializers.CharField(source="department.kind", read_only=True)

    class Meta:
        model = Assignment
        fields = ["organization", "name", "kind", "due", "answered_at"]
        read_only_fields = fields


class DemandSerializer(StrictModelSerializer):
    lead_department_name = serializers.CharField(source="lead_department.name", read_only=True, allow_null=True,
                                                 default=None)
    co_handlers = serializers.SerializerMethodField(help_text=_(
        "The units co-handling the demand now: departments and partner institutions, each with its id and name."))
    actions = serializers.SerializerMethodField(help_text=_("The steps the requesting user may take now."))
    # Declared so the schema says "" (not yet graded / rated) is a value: DRF drops allow_blank from
    # read-only fields it builds itself, and the schema then listed only the letters.
    proposal_grade = serializers.ChoiceField(choices=ProposalGrade.choices, allow_blank=True, read_only=True,
                                             label=_("answer grade"))
    rating = serializers.ChoiceField(choices=Rating.choices, allow_blank=True, read_only=True, label=_("rating"))
    deadline_provisional = serializers.SerializerMethodField(help_text=_(
        "Whether the deadlines count a year whose official holiday schedule is not entered yet (暂定): they are "
        "then counted with the statutory holidays and recounted when the schedule is entered."))

    class Meta:
        model = Demand
        fields = [
            "id", "number", "organization", "chain", "category", "title", "description", "channel", "priority",
            "status", "version", "proposer", "lead_department", "lead_department_name", "co_handlers", "created", "accepted_at", "dispatched_at",
            "first_answered_at", "closed_at", "accept_due", "answer_due", "resolve_due", "escalation_level",
            "resolution", "proposal_grade", "rating", "rating_comment", "sent_back_count", "reopen_count",
            "merged_into", "chain_issue", "actions", "deadline_provisional",
        ]
        read_only_fields = [f for f in fields if f not in
                            ("organization", "category", "title", "description", "channel", "priority", "proposer")]

    @extend_schema_field(CoHandlerSerializer(many=True))
    def get_co_handlers(self, demand):
        # over all its assignments (the list prefetches them with their units; a step's answer reads them anew)
        rows = [a for a in demand.assignments.all() if a.role == AssignmentRole.CO and a.active]
        return CoHandlerSerializer(rows, many=True).data

    def get_deadline_provisional(self, demand) -> bool:
        from ..deadlines import is_provisional

        return is_provisional(demand)

    def get_actions(self, demand) -> list[str]:
        user = self.context["request"].user
        acting = self._acting(user, demand)
        return available_actions(demand, user, acts=None if acting is None else demand.pk in acting)

    def _acting(self, user, demand):
        """The ids of the demands serialised that user acts on (permissions.acts_on), asked once for a whole
        list page; None for a user who acts on every demand it sees (oversees nothing)."""
        if not oversees(user):
            return None
        if "acting" not in self.context:  # the context is the list's, shared by its rows
            rows = self.parent.instance if isinstance(self.parent, serializers.ListSerializer) else [demand]
            self.context["acting"] = set(Demand.objects.restrict(user, "change").filter(
                pk__in=[d.pk for d in rows]).values_list("pk", flat=True))
        return self.context["acting"]


class DemandCreatedSerializer(StrictSerializer):
    """The answer to a create: what the demand is now and its deadlines (its full record: GET its URL)."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    organization = serializers.IntegerField(source="organization_id", read_only=True)
    chain = serializers.IntegerField(source="chain_id", read_only=True, allow_null=True)
    category = serializers.IntegerField(source="category_id", read_only=True)
    title = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    priority = serializers.CharField(read_only=True)
    proposer = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    accept_due = serializers.DateTimeField(read_only=True)
    answer_due = serializers.DateTimeField(read_only=True)
    resolve_due = serializers.DateTimeField(read_only=True)
    deadline_provisional = serializers.SerializerMethodField(help_text=_(
        "Whether the deadlines count a year whose official holiday schedule is not entered yet (暂定)."))

    @extend_schema_field(CoHandlerSerializer(many=True))
    def get_co_handlers(self, demand):
        # over all its assignments (the list prefetches them with their units; a step's answer reads them anew)
        rows = [a for a in demand.assignments.all() if a.role == AssignmentRole.CO and a.active]
        return CoHandlerSerializer(rows, many=True).data

    def get_deadline_provisional(self, demand) -> bool:
        from ..deadlines import is_provisional

        return is_provisional(demand)


class CategoryField(serializers.PrimaryKeyRelatedField):
    """A category by its id, from the categories the process keeps (core.reference) rather than a query."""

    def to_internal_value(self, data):
        kept = per_process("categories", lambda: {c.pk: c for c in Category.objects.all()})
        try:
            if isinstance(data, bool):
                raise TypeError
            return kept[int(data)]
        except KeyError:
            self.fail("does_not_exist", pk_value=data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)


class DemandCreateSerializer(StrictSerializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind=OrgKind.ENTERPRISE), required=False,
        help_text=_("Staff recording on behalf name the enterprise; an enterprise user's own is used."))
    category = CategoryField(queryset=Category.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PORTAL)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    proposer = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False, help_text=_(
        "The chain office or an admin loading past records: when the demand was received (not in the future). Its "
        "deadlines count from then with that year's working-day calendar, it counts in that year's figures, and "
        "its submission event is at that instant, marked imported. Anyone else sending it gets a 400."))
    confirm_new = serializers.BooleanField(default=False, help_text=_(
        "An enterprise raising a demand like one of its own (same category, alike title or description; open, or "
        "closed in the last 90 days) gets a 400 listing them under `similar`; send true to raise it all the same."))


class SimilarDemandSerializer(StrictSerializer):
    """A demand of the enterprise's own like the one it raises: add to it rather than raise it again."""

    id = serializers.IntegerField(source="demand.pk")
    number = serializers.CharField(source="demand.number")
    title = serializers.CharField(source="demand.title")
    status = serializers.CharField(source="demand.status")
    created = serializers.DateTimeField(source="demand.created")
    closed_at = serializers.DateTimeField(source="demand.closed_at", allow_null=True)
    percent = serializers.IntegerField(help_text=_("How alike, per cent of the two-character pieces in common."))
    step = serializers.CharField(allow_null=True, help_text=_(
        "The step that adds to it now: supplement (before acceptance), reply (to a question), or null."))
    url = serializers.CharField(source="demand.get_absolute_url")


class ActionSerializer(StrictSerializer):
    """The body of a step: only the fields that step needs are read."""

    version = serializers.IntegerField(required=False, help_text=_("The version you saw; a stale one is a conflict."))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    at = serializers.DateTimeField(required=False, help_text=_(
        "The chain office or an admin loading past records: when the step was taken (not in the future, not before "
        "the demand's last event). The demand's dates and deadlines are those of then, counted with that year's "
        "working-day calendar; its event is at that instant, marked as recorded afterwards, and notifies no one. "
        "Anyone else sending it, or sending it with a step that cannot be dated (escalate, urge, reassign, "
        "add_partner, refer_up, refer_down, supplement, withdraw), gets a 400."))
    lead = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(kind=OrgKind.DEPARTMENT),
                                              required=False)
    co = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(kind=OrgKind.DEPARTMENT),
                                            many=True, required=False)
    days = serializers.IntegerField(required=False, min_value=1, max_value=30)
    approve = serializers.BooleanField(required=False)
    resolved = serializers.BooleanField(required=False)
    grade = serializers.ChoiceField(choices=ProposalGrade.choices, required=False, allow_blank=True)
    rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    into = serializers.PrimaryKeyRelatedField(queryset=Demand.objects.all(), required=False)
    issue = serializers.PrimaryKeyRelatedField(queryset=ChainIssue.objects.all(), required=False,
                                               help_text=_("link_issue: an existing chain-wide issue …"))
    new_title = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                      help_text=_("… or the title of a new one."))

    level = serializers.IntegerField(required=False, min_value=0, max_value=3, help_text=_(
        "escalate: the escalation level you expect the demand at now (or send version); another is a conflict."))

    files = serializers.ListField(child=serializers.FileField(), required=False, help_text=_(
        "reply, answer, close: files sent as multipart/form-data (PDF, images, Word, Excel, text; 10 MB each)."))
    partner = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind__in=PARTNER_KINDS), required=False,
        help_text=_("add_partner: the bank, investor or fund to co-handle a financing demand."))
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, help_text=_(
        "refer_down: the region directly below the demand's own to pass it to."))
    to_level = serializers.IntegerField(required=False, min_value=1, max_value=3, help_text=_(
        "escalate: the level to take the demand to (by default the next); the chain office may go to any higher."))

    REQUIRED = {"dispatch": ["lead"], "reassign": ["lead"], "add_partner": ["partner"], "request_extension": ["days"], "decide_extension": ["approve"],
                "close": ["resolved"], "rate": ["rating"], "merge": ["into"],
                "refer_down": ["region"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # Only what the user may act on: a hidden demand or issue (or one it only oversees) answers as one that
        # does not exist.
        self.fields["into"].queryset = Demand.objects.restrict(user, "change")
        self.fields["issue"].queryset = ChainIssue.objects.restrict(user, "change")
        self.fields["region"].queryset = Region.objects.restrict(user)

    def validate_files(self, files):
        try:
            return check_files(files)
        except DjangoValidationError as e:
            raise serializers.ValidationError(e.messages) from None

    def validate(self, attrs):
        action = self.context["action"]
        missing = {f: [_("This field is required.")] for f in self.REQUIRED.get(action, []) if f not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        if action == "link_issue" and not attrs.get("issue") and not attrs.get("new_title", "").strip():
            raise serializers.ValidationError({"issue": [_("Choose an issue or give a new one's title.")]})
        return attrs


class PickSerializer(StrictSerializer):
    # bounded as the database's integers are (a larger id would overflow SQLite's, a 500)
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                       help_text=_("The version you saw; a stale one is a conflict."))


class DispatchSelectedSerializer(StrictSerializer):
    """批量派单: demands of the queue (each with the version seen) to one lead department and co-handlers."""

    demands = PickSerializer(many=True, allow_empty=False, max_length=100)
    lead = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(kind=OrgKind.DEPARTMENT))
    co = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(kind=OrgKind.DEPARTMENT),
                                            many=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class OutcomeSerializer(StrictSerializer):
    """One demand of a bulk dispatch: dispatched (ok) or why not (detail)."""

    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField(source="error")


class StandardReplySerializer(ScopedSerializer):
    """A standard reply (标准答复): saved through save_record, so only the chain office's writes pass."""

    class Meta:
        model = StandardReply
        fields = ["id", "category", "title", "text", "active"]


class DispatchRuleSerializer(StrictModelSerializer):
    """A dispatch rule (派单规则): a chain office writes the rules of its chains, only an admin city-wide ones."""

    class Meta:
        model = DispatchRule
        fields = ["id", "category", "district", "chain", "lead_department", "co_departments", "active"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = self.context["request"].user

        def value(name):
            return attrs[name] if name in attrs else getattr(self.instance, name, None)

        if value("chain") is None and not may_write_citywide_rules(user):
            raise serializers.ValidationError({"chain": [_("A chain office writes rules for its own chains; a "
                                                           "city-wide rule (no chain) only an admin.")]})
        same = DispatchRule.objects.filter(category=value("category"), district=value("district"),
                                           chain=value("chain"))
        if self.instance is not None:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            raise serializers.ValidationError(
                {"non_field_errors": [_("A rule for this category, district and chain exists already.")]})
        return attrs


class DispatchRuleChangeSerializer(StrictSerializer):
    """One change of a dispatch rule: when, by whom, and field by field what it was and became."""

    at = serializers.DateTimeField(source="record.history_date")
    by = serializers.CharField(source="record.history_user.username", default=None, allow_null=True)
    type = serializers.CharField(source="record.history_type", help_text=_("+ created, ~ changed, - deleted"))
    changes = serializers.ListField(child=serializers.DictField())
