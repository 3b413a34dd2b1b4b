"""FilterSet base: the `q` search every list page and endpoint takes (simplified, traditional, pinyin)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .text import query_terms


def search_queryset(queryset, q, field="search_text"):
    for term in query_terms(q)[:5]:
        queryset = queryset.filter(**{f"{field}__contains": term})
    return queryset


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        return search_queryset(queryset, value)
