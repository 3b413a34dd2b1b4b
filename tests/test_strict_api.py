"""Strict writes: every serializer of the project refuses a field it does not take (one mechanism,
core/serializers.py). tests/on_the_demo/test_strict_writes.py sends such a field to every write operation."""

import importlib

from django.urls import reverse
from rest_framework import serializers

from chainserve.core.serializers import StrictMixin


def _all_serializers(cls=serializers.BaseSerializer):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_serializers(sub)


def test_every_serializer_of_the_project_is_strict():
    reverse("schema")  # the URL map imports every app's API
    for app in ("chains", "coordination", "demands", "matching", "registry", "reports", "resources"):
        importlib.import_module(f"chainserve.{app}.api.serializers")
    ours = {cls for cls in _all_serializers() if cls.__module__.startswith("chainserve.")}

    assert len(ours) >= 60
    assert sorted(f"{cls.__module__}.{cls.__name__}" for cls in ours if not issubclass(cls, StrictMixin)) == []


def test_a_field_the_api_would_not_write_is_a_400_naming_it_and_nothing_is_created(world, api_as):
    from chainserve.coordination.models import Meeting

    api = api_as(world.users.admin)

    answer = api.post("/api/v1/meetings/", {"title": "联席会议", "starts_at": "2026-03-02T09:00:00+08:00",
                                            "status": "held", "minutes": "会议纪要", "minuts": "x"}, format="json")

    assert answer.status_code == 400
    assert answer.json() == {"minuts": ["Unknown field."], "minutes": ["This field cannot be set here."],
                             "status": ["This field cannot be set here."]}
    assert Meeting.objects.count() == 0


def test_a_record_sent_back_as_read_with_one_change_is_saved(world, api_as):
    api = api_as(world.users.admin)
    url = f"/api/v1/organizations/{world.nfs.pk}/"
    body = api.get(url).json()

    answer = api.put(url, {**body, "name": "新名称生物医药有限公司"}, format="json")

    assert answer.status_code == 200, answer.content
    world.nfs.refresh_from_db()
    assert world.nfs.name == "新名称生物医药有限公司"
    assert api.patch(url, {"created": "2001-01-01T00:00:00Z"}, format="json").json() == {
        "created": ["This field cannot be set here."]}
