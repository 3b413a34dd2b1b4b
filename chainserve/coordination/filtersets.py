"""FilterSets of the coordination app, for pages and API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainserve.core.filters import ChoicesFilter, SearchFilterSet

from .choices import (
    ActionStatus,
    ActivityKind,
    ActivityStatus,
    AgreementKind,
    AgreementStatus,
    CoverageKind,
    InstructorKind,
    ItemStatus,
    ListKind,
    MeetingStatus,
)
from .models import (
    ActionItem,
    Activity,
    Agreement,
    Alliance,
    AllianceMember,
    AnnualList,
    Committee,
    CommitteeMember,
    Coverage,
    InstructorAssignment,
    ListItem,
    Meeting,
    Pairing,
    Registration,
    Visit,
    current_on,
)


class CommitteeFilterSet(SearchFilterSet):
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))

    class Meta:
        model = Committee
        fields = ["q", "chain"]


class MeetingFilterSet(SearchFilterSet):
    committee = django_filters.NumberFilter(field_name="committee_id", label=_("Committee"))
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices, label=_("Status"))
    after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("From"))
    before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = Meeting
        fields = ["q", "committee", "chain", "status", "after", "before"]


class ActionItemFilterSet(SearchFilterSet):
    search_paths = ("decision",)
    meeting = django_filters.NumberFilter(field_name="meeting_id", label=_("Meeting"))
    owner = django_filters.NumberFilter(field_name="owner_id", label=_("Owner department"))
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, label=_("Status"))

    class Meta:
        model = ActionItem
        fields = ["q", "meeting", "owner", "status"]


class ActivityFilterSet(SearchFilterSet):
    kind = ChoicesFilter(choices=ActivityKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices, label=_("Status"))
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("From"))
    before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = Activity
        fields = ["q", "kind", "status", "chain", "after", "before"]


class RegistrationFilterSet(SearchFilterSet):
    search_paths = ("organization",)
    activity = django_filters.NumberFilter(field_name="activity_id", label=_("Activity"))
    code = django_filters.CharFilter(lookup_expr="iexact", label=_("Check-in code"))

    class Meta:
        model = Registration
        fields = ["q", "activity", "code"]


class AgreementFilterSet(SearchFilterSet):
    kind = ChoicesFilter(choices=AgreementKind.choices, label=_("Kind"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    activity = django_filters.NumberFilter(field_name="activity_id", label=_("Activity"))
    after = django_filters.DateFilter(field_name="signed_on", lookup_expr="gte", label=_("Signed from"))
    before = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte", label=_("Signed to"))
    status = django_filters.ChoiceFilter(choices=AgreementStatus.choices, label=_("Status"))

    class Meta:
        model = Agreement
        fields = ["q", "kind", "institution", "enterprise", "activity", "after", "before", "status"]


class VisitFilterSet(SearchFilterSet):
    search_paths = ("organization",)
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Enterprise"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My visits"))
    after = django_filters.DateFilter(field_name="visited_on", lookup_expr="gte", label=_("From"))
    before = django_filters.DateFilter(field_name="visited_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Visit
        fields = ["q", "organization", "mine", "after", "before"]

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(visitor=self.request.user)
        return queryset


class AllianceFilterSet(SearchFilterSet):
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))

    class Meta:
        model = Alliance
        fields = ["q", "chain"]


class _DatedFilterSet(SearchFilterSet):
    """Records with from and to dates: those current on a date; `q` finds them by their organisation."""

    search_paths = ("organization",)

    current_on = django_filters.DateFilter(method="filter_current", label=_("Current on"))

    def filter_current(self, queryset, name, value):
        return queryset.filter(current_on(value))


class _EnterpriseRecordFilterSet(_DatedFilterSet):
    """Filters of the records kept per enterprise: search by the enterprise, current on a date."""

    search_paths = ("enterprise",)
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))


class PairingFilterSet(_EnterpriseRecordFilterSet):
    agency_branch = django_filters.NumberFilter(field_name="agency_branch_id", label=_("Agency party branch"))

    class Meta:
        model = Pairing
        fields = ["q", "enterprise", "agency_branch", "current_on"]


class InstructorFilterSet(_EnterpriseRecordFilterSet):
    kind = django_filters.ChoiceFilter(choices=InstructorKind.choices, label=_("Kind"))

    class Meta:
        model = InstructorAssignment
        fields = ["q", "enterprise", "kind", "current_on"]


class CoverageFilterSet(_EnterpriseRecordFilterSet):
    kind = django_filters.ChoiceFilter(choices=CoverageKind.choices, label=_("Kind"))

    class Meta:
        model = Coverage
        fields = ["q", "enterprise", "kind", "current_on"]


class AnnualListFilterSet(SearchFilterSet):
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    year = django_filters.NumberFilter(label=_("Year"))
    kind = django_filters.ChoiceFilter(choices=ListKind.choices, label=_("Kind"))

    class Meta:
        model = AnnualList
        fields = ["q", "chain", "year", "kind"]


class ListItemFilterSet(SearchFilterSet):
    annual_list = django_filters.NumberFilter(field_name="annual_list_id", label=_("List"))
    owner = django_filters.NumberFilter(field_name="owner_id", label=_("Owner department"))
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices, label=_("Status"))
    behind = django_filters.BooleanFilter(method="filter_behind", label=_("Behind schedule"))

    class Meta:
        model = ListItem
        fields = ["q", "annual_list", "owner", "status", "behind"]

    def filter_behind(self, queryset, name, value):
        return queryset.with_lateness().filter(behind=value)


class CommitteeMemberFilterSet(_DatedFilterSet):
    committee = django_filters.NumberFilter(field_name="committee_id", label=_("Committee"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organisation"))

    class Meta:
        model = CommitteeMember
        fields = ["q", "committee", "organization", "current_on"]


class AllianceMemberFilterSet(_DatedFilterSet):
    alliance = django_filters.NumberFilter(field_name="alliance_id", label=_("Alliance"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Organisation"))

    class Meta:
        model = AllianceMember
        fields = ["q", "alliance", "organization", "current_on"]
