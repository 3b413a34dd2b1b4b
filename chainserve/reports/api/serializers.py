from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chainserve.core.api import ScopedSerializer
from chainserve.core.serializers import StrictModelSerializer, StrictSerializer

from ..cases import MAX_CASES, TEXT_MAX, TITLE_MAX
from ..models import Bulletin, IndustryScale
from ..services import changed_text, differences


class DifferenceSerializer(StrictSerializer):
    key = serializers.CharField()
    label = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class ChangesSerializer(StrictSerializer):
    """What changed from the version this one supersedes."""

    figures = DifferenceSerializer(many=True)
    text = serializers.ListField(child=serializers.CharField(), help_text=_("The parts of the text that changed."))


class BulletinSerializer(StrictModelSerializer):
    figures = serializers.JSONField(source="data", read_only=True)
    issue = serializers.CharField(source="issue_label", read_only=True, help_text=_("期号 as printed."))
    lead = serializers.CharField(source="summary", read_only=True, help_text=_("The lead paragraph."))
    publisher = serializers.CharField(read_only=True, help_text=_("Who published it, by name and unit."))
    changes = serializers.SerializerMethodField()
    # null while the bulletin is the latest version (the schema must say so: a reverse one-to-one has no null=True)
    superseded_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Bulletin
        fields = ["id", "masthead", "issue", "issue_year", "issue_number", "issuer", "issuer_name", "title", "start",
                  "end", "chain", "district", "version", "supersedes", "superseded_by", "summary", "lead", "sections",
                  "cases", "computed_at", "published_at", "published_by", "publisher", "note", "changes", "figures"]
        read_only_fields = fields

    @extend_schema_field(ChangesSerializer(allow_null=True))
    def get_changes(self, bulletin):
        if bulletin.supersedes_id is None:
            return None
        return {"figures": [vars(d) for d in differences(bulletin)], "text": changed_text(bulletin)}


class ScopeSerializer(StrictSerializer):
    """The period and scope of a bulletin (as on the bulletin page)."""

    start = serializers.DateField()
    end = serializers.DateField()
    chain = serializers.IntegerField(required=False)
    district = serializers.IntegerField(required=False)
    region = serializers.IntegerField(required=False, help_text=_("The region (and those below it): the same as "
                                                                  "district, by its new name."))


class CaseSerializer(StrictSerializer):
    ref = serializers.CharField(max_length=40, help_text=_("The record: demand:<id> (a resolved demand of the "
                                                           "period) or agreement:<id> (an agreement signed in it)."))
    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_MAX,
                                  help_text=_("Blank: the title generated from the record."))
    text = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX,
                                 help_text=_("Blank: the paragraph told from the record."))


class PublishSerializer(ScopeSerializer):
    """A bulletin to publish: its period and scope, and what the office writes (blank: generated)."""

    title = serializers.CharField(required=False, allow_blank=True, max_length=TITLE_MAX)
    lead = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX,
                                 help_text=_("The lead paragraph; blank: the one generated from the figures."))
    cases = CaseSerializer(many=True, required=False, max_length=MAX_CASES,
                           help_text=_("Up to three typical cases."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class CaseCandidateSerializer(StrictSerializer):
    ref = serializers.CharField()
    kind = serializers.CharField()
    label = serializers.CharField()


class DraftSerializer(StrictSerializer):
    """A bulletin as it would be published now: its text and figures, and the records it may tell as cases."""

    masthead = serializers.CharField()
    issuer_name = serializers.CharField()
    title = serializers.CharField()
    lead = serializers.CharField()
    sections = serializers.JSONField()
    cases = serializers.JSONField()
    candidates = CaseCandidateSerializer(many=True)
    figures = serializers.JSONField()


class ProposalGradesSerializer(StrictSerializer):
    A = serializers.IntegerField()
    B = serializers.IntegerField()
    C = serializers.IntegerField()
    none = serializers.IntegerField(help_text=_("Received and not graded yet."))


class ProposalLineSerializer(StrictSerializer):
    """A channel, a lead unit or the total."""

    key = serializers.CharField(allow_null=True, help_text=_("The channel (npc, cppcc) or the lead unit's id; "
                                                             "null: no lead unit yet, or the total."))
    name = serializers.CharField()
    received = serializers.IntegerField()
    answered = serializers.IntegerField()
    answered_on_time = serializers.IntegerField(help_text=_("First answered by its answer deadline."))
    due_for_answer = serializers.IntegerField(help_text=_("Answered, or unanswered past the answer deadline now."))
    on_time_rate = serializers.FloatField(allow_null=True, help_text=_(
        "按时答复率: answered on time among due_for_answer, a percentage to one decimal; null when none is due."))
    grades = ProposalGradesSerializer()


class ProposalFiguresSerializer(StrictSerializer):
    """The proposals (人大建议 / 政协提案) received in the period and scope."""

    period = serializers.JSONField()
    scope = serializers.JSONField()
    channels = ProposalLineSerializer(many=True)
    units = ProposalLineSerializer(many=True)
    total = ProposalLineSerializer()
    summary = serializers.CharField()


class IndustryScaleSerializer(ScopedSerializer):
    """A chain's (or, without a chain, the whole city's) output in a year — 产业规模 — exactly in fen, with its source."""

    class Meta:
        model = IndustryScale
        fields = ["id", "chain", "year", "amount_fen", "source", "note", "created", "updated"]
