"""Idempotency-Key on API creates: the whole key, the same request only (else 422), forgotten after a day."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from chainserve.core.api import request_fingerprint
from chainserve.core.models import IdempotencyKey
from chainserve.core.services import purge_idempotency_keys
from chainserve.demands.models import Category, Demand
from chainserve.registry.models import Organization
from chainserve.registry.tests.factories import make_uscc

ORGS = "/api/v1/organizations/"
DEMANDS = "/api/v1/demands/"
REUSED = {"detail": "This Idempotency-Key was already used for a different request (another body, method or "
                    "address). Send a new key with a new request."}


def new_org(name="明湖新创生物有限公司", n=60):
    return {"name": name, "kind": "enterprise", "uscc": make_uscc(n)}


@pytest.fixture
def office(world, api_as):
    return api_as(world.users.office)


def post(api, body, key, url=ORGS):
    return api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


# --- the whole key ------------------------------------------------------------------------------------------

def test_keys_that_differ_after_100_characters_create_two_records(world, office):
    # given two keys alike in their first 100 characters (they were cut there, and the second create dropped)
    count = Organization.objects.count()
    key = "k" * 100

    # when
    first = post(office, new_org("甲公司", 60), key + "-a")
    second = post(office, new_org("乙公司", 61), key + "-b")

    # then
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in second
    assert first.json()["id"] != second.json()["id"]
    assert Organization.objects.count() == count + 2
    assert sorted(IdempotencyKey.objects.values_list("key", flat=True)) == [key + "-a", key + "-b"]


def test_a_key_of_255_characters_is_kept_whole(world, office):
    key = "x" * 254 + "y"

    first = post(office, new_org(), key)
    second = post(office, new_org(), key)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.get().key == key


def test_a_key_longer_than_255_characters_is_a_400_and_creates_nothing(world, office):
    count = Organization.objects.count()

    response = post(office, new_org(), "x" * 256)

    assert response.status_code == 400
    assert response.json() == {"detail": "The Idempotency-Key header is longer than 255 characters."}
    assert Organization.objects.count() == count
    assert IdempotencyKey.objects.count() == 0


# --- the same request only ---------------------------------------------------------------------------------

def test_the_same_key_with_another_body_is_a_422_and_creates_nothing(world, office):
    count = Organization.objects.count()

    first = post(office, new_org("甲公司", 60), "k-1")
    second = post(office, new_org("乙公司", 61), "k-1")

    assert (first.status_code, second.status_code) == (201, 422)
    assert second.json() == REUSED
    assert "Idempotent-Replayed" not in second
    assert list(Organization.objects.filter(name__in=["甲公司", "乙公司"]).values_list("name", flat=True)) == ["甲公司"]
    assert Organization.objects.count() == count + 1
    assert IdempotencyKey.objects.count() == 1


def test_the_same_key_with_the_same_body_replays_the_first_answer_whatever_the_key_order(world, office):
    count = Organization.objects.count()
    body = new_org()

    first = post(office, body, "k-1")
    second = post(office, dict(reversed(list(body.items()))), "k-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Organization.objects.count() == count + 1


def test_a_demand_sent_again_with_its_key_and_another_text_is_a_422(world, api_as):
    api = api_as(world.users.enterprise)
    body = {"category": Category.objects.get(slug="policy").pk, "title": "申请研发费用加计扣除辅导",
            "description": "企业希望了解申报口径。"}

    first = post(api, body, "d-1", DEMANDS)
    again = post(api, body, "d-1", DEMANDS)
    other = post(api, {**body, "title": "寻找厂房"}, "d-1", DEMANDS)

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.json() == first.json()
    assert other.json() == REUSED
    assert list(Demand.objects.values_list("title", flat=True)) == ["申请研发费用加计扣除辅导"]


def test_a_request_s_fingerprint_counts_its_method_path_and_files_by_content():
    factory = APIRequestFactory()

    def fingerprint(path="/api/v1/x/", content=b"%PDF-1.4 one", text="t", method="post"):
        upload = SimpleUploadedFile("evidence.pdf", content, content_type="application/pdf")
        request = getattr(factory, method)(path, {"text": text, "evidence": upload}, format="multipart")
        return request_fingerprint(Request(request, parsers=[MultiPartParser()]))

    assert fingerprint() == fingerprint()
    assert len({fingerprint(), fingerprint(content=b"%PDF-1.4 two"), fingerprint(text="u"),
                fingerprint(path="/api/v1/y/"), fingerprint(method="put")}) == 5


# --- forgotten after IDEMPOTENCY_KEY_HOURS ----------------------------------------------------------------

def test_an_expired_key_is_new_again(world, office, settings):
    # given a key used 25 hours ago (kept 24)
    settings.IDEMPOTENCY_KEY_HOURS = 24
    count = Organization.objects.count()
    first = post(office, new_org("甲公司", 60), "k-1")
    IdempotencyKey.objects.update(created=timezone.now() - datetime.timedelta(hours=25))

    # when it comes again with another request (a 422 while the key was kept)
    later = post(office, new_org("乙公司", 61), "k-1")

    # then it makes a new record, and the key now stands for the new request
    assert (first.status_code, later.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in later
    assert later.json()["id"] != first.json()["id"]
    assert Organization.objects.count() == count + 2
    assert IdempotencyKey.objects.get().body["id"] == later.json()["id"]
    assert post(office, new_org("乙公司", 61), "k-1").json() == later.json()


def test_a_key_within_its_hours_is_still_kept(world, office, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 24
    count = Organization.objects.count()
    post(office, new_org(), "k-1")
    IdempotencyKey.objects.update(created=timezone.now() - datetime.timedelta(hours=23))

    again = post(office, new_org(), "k-1")

    assert again["Idempotent-Replayed"] == "true"
    assert Organization.objects.count() == count + 1


def test_the_sweep_deletes_the_expired_keys_and_keeps_the_others(world, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 2
    now = timezone.now()
    for name, hours in [("old", 3), ("older", 30), ("fresh", 1)]:
        key = IdempotencyKey.objects.create(user=world.users.office, key=name, scope=ORGS, status=201, body={})
        IdempotencyKey.objects.filter(pk=key.pk).update(created=now - datetime.timedelta(hours=hours))
    out = StringIO()

    call_command("demand_sweep", stdout=out)

    assert out.getvalue().strip().endswith("expired idempotency keys 2")
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert purge_idempotency_keys(now + datetime.timedelta(hours=2)) == 1
    assert IdempotencyKey.objects.count() == 0
