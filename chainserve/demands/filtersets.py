"""FilterSets of the demands app, for pages and API alike."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainserve.chains.models import Chain
from chainserve.core.filters import ChoicesFilter, RegionFilter, SearchFilterSet
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from .choices import Channel, EscalationLevel, Status
from .countdown import SENT_BACK_Q, due_soon_q, overdue_q
from .models import Category, Demand, DispatchRule


def handling_departments(request):
    """Departments that handle demands (they have handlers or dispatch rules), not every department on record."""
    rules = DispatchRule.objects.values("lead_department_id")
    return Organization.objects.filter(kind=OrgKind.DEPARTMENT).filter(
        Q(users__role="handler") | Q(pk__in=rules)).distinct().order_by("name")


def visible_chains(request):
    return Chain.objects.restrict(getattr(request, "user", None))


class DemandFilterSet(SearchFilterSet):
    search_paths = ("", "organization")  # its number and title, or its enterprise
    status = ChoicesFilter(choices=Status.choices, label=_("Status"),
                                                 widget=forms.CheckboxSelectMultiple)
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all(), label=_("Category"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    chain = django_filters.ModelChoiceFilter(queryset=visible_chains, label=_("Chain"))
    district = RegionFilter()
    lead_department = django_filters.ModelChoiceFilter(
        queryset=handling_departments, label=_("Lead department"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("Enterprise"))
    escalation_level = django_filters.ChoiceFilter(choices=EscalationLevel.choices, label=_("Escalation"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    due_soon = django_filters.BooleanFilter(method="filter_due_soon", label=_("Due within a working day"))
    sent_back = django_filters.BooleanFilter(method="filter_sent_back", label=_("Sent back, to dispatch again"))
    received_from = django_filters.DateFilter(field_name="created", lookup_expr="date__gte", label=_("Received from"))
    received_to = django_filters.DateFilter(field_name="created", lookup_expr="date__lte", label=_("Received until"))

    class Meta:
        model = Demand
        fields = ["q", "status", "category", "channel", "chain", "district", "lead_department", "organization",
                  "escalation_level", "overdue", "due_soon", "sent_back", "received_from", "received_to"]

    def filter_overdue(self, queryset, name, value):
        late = overdue_q(timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_due_soon(self, queryset, name, value):
        soon = due_soon_q(timezone.now())
        return queryset.filter(soon) if value else queryset.exclude(soon)

    def filter_sent_back(self, queryset, name, value):
        return queryset.filter(SENT_BACK_Q) if value else queryset.exclude(SENT_BACK_Q)
