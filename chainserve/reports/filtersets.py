"""FilterSets of the reports app, for pages and API alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainserve.registry.choices import Phase
from chainserve.registry.models import Product

from .models import Bulletin, IndustryScale


class BulletinFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    chain = django_filters.NumberFilter(field_name="chain_id", label=_("Chain"))
    current = django_filters.BooleanFilter(field_name="superseded_by", lookup_expr="isnull",
                                           label=_("Latest versions only"))

    class Meta:
        model = Bulletin
        fields = ["q", "chain", "current"]


class IndustryScaleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="source", lookup_expr="icontains", label=_("Search"))
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = IndustryScale
        fields = ["q", "year"]


class ProductFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Search"))
    phase = django_filters.ChoiceFilter(choices=Phase.choices, label=_("Phase"))

    class Meta:
        model = Product
        fields = ["q", "phase"]
