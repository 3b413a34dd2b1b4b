"""FilterSets of the coordination app, for pages and API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainserve.core.filters import search_queryset
from chainserve.registry.models import Organization

from .choices import ActionStatus, ActivityKind, ActivityStatus, AgreementKind, MeetingStatus
from .models import ActionItem, Activity, Agreement, Committee, Meeting, Registration, Visit


class CommitteeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))

    class Meta:
        model = Committee
        fields = ["q", "chain"]


class MeetingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    committee = django_filters.NumberFilter(field_name="committee_id", label=_("Committee"))
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices, label=_("Status"))
    after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("From"))
    before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = Meeting
        fields = ["q", "committee", "chain", "status", "after", "before"]


class ActionItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="decision__text", lookup_expr="icontains", label=_("Search"))
    meeting = django_filters.NumberFilter(field_name="meeting_id", label=_("Meeting"))
    owner = django_filters.NumberFilter(field_name="owner_id", label=_("Owner department"))
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, label=_("Status"))

    class Meta:
        model = ActionItem
        fields = ["q", "meeting", "owner", "status"]


class ActivityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(choices=ActivityKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices, label=_("Status"))
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("From"))
    before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = Activity
        fields = ["q", "kind", "status", "chain", "after", "before"]


class RegistrationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    activity = django_filters.NumberFilter(field_name="activity_id", label=_("Activity"))
    code = django_filters.CharFilter(lookup_expr="iexact", label=_("Check-in code"))

    class Meta:
        model = Registration
        fields = ["q", "activity", "code"]

    def search(self, queryset, name, value):
        return queryset.filter(organization__in=search_queryset(Organization.objects.all(), value).values("pk"))


class AgreementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(choices=AgreementKind.choices, label=_("Kind"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise"))
    activity = django_filters.NumberFilter(field_name="activity_id", label=_("Activity"))
    after = django_filters.DateFilter(field_name="signed_on", lookup_expr="gte", label=_("Signed from"))
    before = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte", label=_("Signed to"))

    class Meta:
        model = Agreement
        fields = ["q", "kind", "institution", "enterprise", "activity", "after", "before"]


class VisitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Enterprise"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My visits"))
    after = django_filters.DateFilter(field_name="visited_on", lookup_expr="gte", label=_("From"))
    before = django_filters.DateFilter(field_name="visited_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Visit
        fields = ["q", "organization", "mine", "after", "before"]

    def search(self, queryset, name, value):
        return queryset.filter(organization__in=search_queryset(Organization.objects.all(), value).values("pk"))

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(visitor=self.request.user)
        return queryset
