"""FilterSets of matching, for pages and API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainserve.core.filters import SearchFilterSet

from .choices import MatchState
from .models import Match, Rule


class RuleFilterSet(SearchFilterSet):
    search_paths = ("policy", "product")
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Rule
        fields = ["q", "active"]


class MatchFilterSet(SearchFilterSet):
    search_paths = ("enterprise",)
    state = django_filters.ChoiceFilter(choices=MatchState.choices, label=_("State"))
    rule = django_filters.NumberFilter(field_name="rule_id", label=_("Rule"))
    qualifies = django_filters.BooleanFilter(label=_("Still qualifies"))

    class Meta:
        model = Match
        fields = ["q", "state", "rule", "qualifies"]
