"""One search behaviour for every list: the `q` of every FilterSet of the project — found by walking the
FilterSet classes, so lists added later are checked too — finds a record by a simplified term, by its
traditional form and by its pinyin, on its page and through `?q=` on every list endpoint of the API that
uses it.

On the demo cluster, for each FilterSet: the record searched (the listed row itself, or the related record
its first search path leads to) gets the term in its first search field, through save(); `q` must then
give exactly the listed rows that lead to that record."""

import importlib
import importlib.util

import django_filters
from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from chainserve.core.filters import SearchFilterSet, related_model
from chainserve.core.models import User
from chainserve.core.tests.urlmap import url_patterns

SIMPLIFIED, TRADITIONAL, PINYIN = "龙凤测绘", "龍鳳測繪", "longfengcehui"


def list_filtersets():
    """Every FilterSet of the project's apps that lists a model."""
    for app in apps.get_app_configs():
        if app.name.startswith("chainserve.") and importlib.util.find_spec(f"{app.name}.filtersets"):
            importlib.import_module(f"{app.name}.filtersets")
    found, todo = [], [django_filters.FilterSet]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("chainserve.") and sub._meta.model is not None:
                found.append(sub)
    return sorted(set(found), key=lambda f: f.__name__)


def api_lists():
    """{FilterSet: ['/api/v1/…/', …]} of the API's list endpoints."""
    by_filterset = {}
    for route, name, entry in url_patterns():
        view = getattr(entry.callback, "cls", None)
        if route.startswith("api/") and name.endswith("-list") and not entry.pattern.regex.groupindex \
                and getattr(view, "filterset_class", None):
            by_filterset.setdefault(view.filterset_class, set()).add(reverse(name))
    return by_filterset


def mark(filterset):
    """Put the simplified term on the record the FilterSet's first search path leads to; the pks of the
    listed rows that lead to it (by any of its search paths)."""
    model, path = filterset._meta.model, filterset.search_paths[0]
    row = model._default_manager.filter(**({f"{path}__isnull": False} if path else {})).first()
    target = row
    for name in filter(None, path.split("__")):
        target = getattr(target, name)
    setattr(target, type(target).search_fields[0], SIMPLIFIED)
    target.save()
    leads_to = Q(pk__in=[])
    for p in filterset.search_paths:
        if (related_model(model, p) if p else model) is type(target):
            leads_to |= Q(**{p or "pk": target.pk})
    return set(model._default_manager.filter(leads_to).values_list("pk", flat=True))


def test_every_list_filterset_searches_the_one_way():
    others = [f.__name__ for f in list_filtersets() if not issubclass(f, SearchFilterSet)]

    assert others == []


def test_q_finds_simplified_traditional_and_pinyin_on_every_list_and_endpoint(db):
    client = Client()
    client.force_login(User.objects.get(username="admin"), backend="django.contrib.auth.backends.ModelBackend")
    endpoints = api_lists()
    wrong = {}
    for filterset in list_filtersets():
        with transaction.atomic():
            expected = mark(filterset)
            for term in (SIMPLIFIED, TRADITIONAL, PINYIN):
                model = filterset._meta.model
                found = set(filterset({"q": term}, queryset=model._default_manager.all()).qs.values_list("pk", flat=True))
                if found != expected or not expected:
                    wrong[f"{filterset.__name__} q={term}"] = (sorted(found), sorted(expected))
                for path in sorted(endpoints.get(filterset, ())):
                    results = client.get(path, {"q": term, "limit": 100}).json()["results"]
                    if {r["id"] for r in results} != expected:
                        wrong[f"{path} q={term}"] = (sorted(r["id"] for r in results), sorted(expected))
            transaction.set_rollback(True)

    assert wrong == {}
    assert set(endpoints) <= set(list_filtersets())
