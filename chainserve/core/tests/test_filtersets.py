"""Every FilterSet's multiple-choice filters: DISTINCT only where the filter's path can repeat a row."""

import django_filters
from django.apps import apps

from chainserve.core.filters import ChoicesFilter, SearchFilterSet


def all_filtersets(cls=SearchFilterSet):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_filtersets(sub)


def through_to_many(model, path):
    """Whether the lookup path (organization__kind) passes a relation that can join several rows to one."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if not field.is_relation:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
    return False


def test_a_choices_filter_on_a_column_adds_no_distinct():
    apps.get_app_configs()  # every app's filtersets module is imported by its urls
    import chainserve.urls  # noqa: F401

    checked = 0
    for filterset in all_filtersets():
        model = filterset._meta.model
        if model is None:
            continue
        for name, f in filterset.base_filters.items():
            if not isinstance(f, django_filters.MultipleChoiceFilter) or f.method:
                continue
            checked += 1
            to_many = through_to_many(model, f.field_name)
            assert f.distinct == to_many, f"{filterset.__name__}.{name}: distinct={f.distinct}"
            if not to_many:
                assert isinstance(f, ChoicesFilter), f"{filterset.__name__}.{name}"
    assert checked >= 18
