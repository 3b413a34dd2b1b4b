"""FilterSets of the catalogue, for pages and API alike: search, status, tag, owner, kind, dates."""

import django_filters
from django.utils.translation import gettext_lazy as _

from chainserve.core.filters import ChoicesFilter, SearchFilterSet
from chainserve.demands.choices import EscalationLevel

from .choices import ApplicationState, ItemStatus, PlatformKind, PolicyLevel, ProductKind, SpaceKind, TransferMode
from .forms import split_tags
from .models import Achievement, Equipment, Expert, FinancialProduct, Policy, PolicyApplication, Space, TalentProgramme


class CatalogueFilterSet(SearchFilterSet):
    status = ChoicesFilter(choices=ItemStatus.choices, label=_("Status"))
    tag = django_filters.CharFilter(method="filter_tag", label=_("Tags"),
                                    help_text=_("Separated by commas or 、, e.g. 融资、研发."))
    owner = django_filters.NumberFilter(method="filter_owner", label=_("Organisation"))
    published_after = django_filters.DateFilter(field_name="published_at", lookup_expr="date__gte",
                                                label=_("Published from"))

    def filter_tag(self, queryset, name, value):
        for tag in split_tags(value):
            queryset = queryset.filter(pk__in=queryset.model.objects.filter(tags__name=tag).values("pk"))
        return queryset

    def filter_owner(self, queryset, name, value):
        return queryset.filter(**{f"{queryset.model.owner_field}_id": value})


class PolicyFilterSet(CatalogueFilterSet):
    level = ChoicesFilter(choices=PolicyLevel.choices, label=_("Level"))
    granted_without_application = django_filters.BooleanFilter(label=_("Granted without application"))
    effective_on = django_filters.DateFilter(method="filter_effective_on", label=_("In effect on"))

    class Meta:
        model = Policy
        fields = ["q", "status", "tag", "owner", "level", "granted_without_application", "effective_on",
                  "published_after"]

    def filter_effective_on(self, queryset, name, value):
        return queryset.exclude(effective_from__gt=value).exclude(effective_to__lt=value)


class FinancialProductFilterSet(CatalogueFilterSet):
    kind = ChoicesFilter(choices=ProductKind.choices, label=_("Kind"))
    amount = django_filters.NumberFilter(method="filter_amount", label=_("Amount needed (yuan)"))

    class Meta:
        model = FinancialProduct
        fields = ["q", "status", "tag", "owner", "kind", "amount", "published_after"]

    def filter_amount(self, queryset, name, value):
        return queryset.exclude(amount_min__gt=value).exclude(amount_max__lt=value)


class SpaceFilterSet(CatalogueFilterSet):
    kind = ChoicesFilter(choices=SpaceKind.choices, label=_("Kind"))
    min_area = django_filters.NumberFilter(field_name="area_m2", lookup_expr="gte", label=_("Area from (m²)"))
    max_area = django_filters.NumberFilter(field_name="area_m2", lookup_expr="lte", label=_("Area up to (m²)"))
    available_by = django_filters.DateFilter(field_name="available_from", lookup_expr="lte",
                                             label=_("Available by"))

    class Meta:
        model = Space
        fields = ["q", "status", "tag", "owner", "kind", "min_area", "max_area", "available_by", "published_after"]


class EquipmentFilterSet(CatalogueFilterSet):
    kind = ChoicesFilter(choices=PlatformKind.choices, label=_("Kind"))

    class Meta:
        model = Equipment
        fields = ["q", "status", "tag", "owner", "kind", "published_after"]


class ExpertFilterSet(CatalogueFilterSet):
    class Meta:
        model = Expert
        fields = ["q", "status", "tag", "owner", "published_after"]


class TalentProgrammeFilterSet(CatalogueFilterSet):
    open_on = django_filters.DateFilter(field_name="apply_until", lookup_expr="gte", label=_("Open on"))

    class Meta:
        model = TalentProgramme
        fields = ["q", "status", "tag", "owner", "open_on", "published_after"]


class AchievementFilterSet(CatalogueFilterSet):
    transfer_mode = ChoicesFilter(choices=TransferMode.choices, label=_("Transfer mode"))

    class Meta:
        model = Achievement
        fields = ["q", "status", "tag", "owner", "transfer_mode", "published_after"]


def policies_applied_to(request):
    """The policies of the applications the reader may see, by title: the choices of the policy filter."""
    applications = PolicyApplication.objects.restrict(getattr(request, "user", None))
    return Policy.objects.filter(pk__in=applications.values("policy_id")).order_by("title", "pk")


class PolicyApplicationFilterSet(SearchFilterSet):
    """Applications by state, policy, enterprise and policy search (q), whether granted without application,
    and their escalation (an approval unpaid past its payment deadline)."""

    search_paths = ("enterprise", "policy")
    state = ChoicesFilter(choices=ApplicationState.choices, label=_("State"))
    policy = django_filters.ModelChoiceFilter(queryset=policies_applied_to, label=_("Policy"))
    without_application = django_filters.BooleanFilter(label=_("Granted without application"))
    escalation_level = django_filters.ChoiceFilter(choices=EscalationLevel.choices, label=_("Escalation"))

    class Meta:
        model = PolicyApplication
        fields = ["q", "state", "policy", "without_application", "escalation_level"]

