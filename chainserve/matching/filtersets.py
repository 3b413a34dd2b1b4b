"""FilterSets of matching, for pages and API alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import MatchState
from .models import Match, Rule


class RuleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Rule
        fields = ["q", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(policy__title__icontains=value) | Q(product__title__icontains=value))


class MatchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="enterprise__name", lookup_expr="icontains", label=_("Search"))
    state = django_filters.ChoiceFilter(choices=MatchState.choices, label=_("State"))
    rule = django_filters.NumberFilter(field_name="rule_id", label=_("Rule"))
    qualifies = django_filters.BooleanFilter(label=_("Still qualifies"))

    class Meta:
        model = Match
        fields = ["q", "state", "rule", "qualifies"]
