"""FilterSets of the reports app, for pages and API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainserve.core.filters import SearchFilterSet

from .models import Bulletin, IndustryScale


class BulletinFilterSet(SearchFilterSet):
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    current = django_filters.BooleanFilter(field_name="superseded_by", lookup_expr="isnull",
                                           label=_("Latest versions only"))

    class Meta:
        model = Bulletin
        fields = ["q", "chain", "current"]


class IndustryScaleFilterSet(SearchFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = IndustryScale
        fields = ["q", "year"]
