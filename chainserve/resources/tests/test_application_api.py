"""The API of policy applications: apply, the steps (actor before body, strict bodies, 409), grant, publicise."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chainserve.resources import applications as apps
from chainserve.resources.choices import ApplicationState as S
from chainserve.resources.models import PolicyApplication

from .test_applications import close_window, published, snapshot

URL = "/api/v1/policy-applications/"


@pytest.fixture
def road(world):
    world.policy = published(title="研发费用补助", issuer=world.dept)
    return world


def step(api, a, name, body=None, **kwargs):
    return api.post(f"{URL}{a.pk}/{name.replace('_', '-')}/", body or {}, **kwargs)


def test_the_road_through_the_api(road, api_as):
    u = road.users
    firm, dept = api_as(u.enterprise), api_as(u.handler)
    answer = firm.post(URL, {"policy": road.policy.pk, "amount_applied": 300_000_00, "inputs": {"rd_cost": "600万元"},
                             "statement": "申请"}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["state"] == "submitted"
    a = PolicyApplication.objects.get(pk=answer.json()["id"])

    assert step(dept, a, "return", {"note": "补充材料", "version": 1}, format="json").json()["state"] == "returned"
    doc = SimpleUploadedFile("补充.pdf", b"%PDF-1.4", content_type="application/pdf")
    assert step(firm, a, "answer", {"note": "已补充", "files": [doc]}, format="multipart").json()["state"] == \
        "under_review"
    assert step(dept, a, "approve", {"amount": 200_000_00}, format="json").json()["amount_approved"] == 200_000_00
    assert step(api_as(u.office), a, "publicise", format="json").json()["state"] == "publicised"
    close_window(a)
    voucher = SimpleUploadedFile("凭证.pdf", b"%PDF-1.4", content_type="application/pdf")
    paid = step(dept, a, "pay", {"voucher": voucher, "paid_on": "2026-01-05"}, format="multipart")
    assert paid.status_code == 200, paid.content
    assert (paid.json()["state"], paid.json()["amount_paid"]) == ("paid", 200_000_00)
    assert step(firm, a, "receive", format="json").json()["state"] == "received"
    events = firm.get(f"{URL}{a.pk}/events/").json()
    assert [e["type"] for e in events] == ["apply", "return", "answer", "approve", "publicise", "pay", "receive"]
    assert events[5]["documents"][0]["kind"] == "voucher"


def test_the_actor_is_checked_before_the_body(road, api_as):
    a = apps.apply(road.policy, road.users.enterprise)
    before = snapshot(a)
    answer = step(api_as(road.users.enterprise), a, "approve", {"amount": "not a number", "bogus": 1}, format="json")
    assert answer.status_code == 403
    assert snapshot(a) == before


def test_a_step_body_is_strict(road, api_as):
    a = apps.apply(road.policy, road.users.enterprise)
    answer = step(api_as(road.users.handler), a, "refuse", {"reason": "不符合", "amount": 5}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"amount": ["Unknown field."]}
    assert snapshot(a) == (S.SUBMITTED, 1, None, None, 1, 0)


def test_a_step_in_the_wrong_state_is_a_400_and_changes_nothing(road, api_as):
    a = apps.apply(road.policy, road.users.enterprise)
    answer = step(api_as(road.users.enterprise), a, "receive", format="json")
    assert answer.status_code == 400
    assert snapshot(a) == (S.SUBMITTED, 1, None, None, 1, 0)


def test_a_stale_version_is_a_409(road, api_as):
    a = apps.apply(road.policy, road.users.enterprise)
    dept = api_as(road.users.handler)
    assert step(dept, a, "start_review", {"version": 1}, format="json").status_code == 200
    answer = step(api_as(road.users.office), a, "refuse", {"reason": "x", "version": 1}, format="json")
    assert answer.status_code == 409
    assert snapshot(a) == (S.UNDER_REVIEW, 2, None, None, 2, 0)


def test_only_an_enterprise_applies_and_others_do_not_see_it(road, api_as):
    assert api_as(road.users.handler).post(URL, {"policy": road.policy.pk}, format="json").status_code == 403
    a = apps.apply(road.policy, road.users.enterprise)
    assert api_as(road.users.partner).get(f"{URL}{a.pk}/").status_code == 404
    assert [r["id"] for r in api_as(road.users.handler).get(URL).json()["results"]] == [a.pk]


def test_grant_and_publicise_batches(road, api_as):
    dept = api_as(road.users.handler)
    assert dept.post(f"{URL}grant/", {"policy": road.policy.pk}, format="json").status_code == 400  # not 免申即享
    a = apps.apply(road.policy, road.users.enterprise)
    apps.approve(a, road.users.handler, amount=1000)
    answer = dept.post(f"{URL}publicise/", {"policy": road.policy.pk}, format="json")
    assert answer.status_code == 200
    assert [r["state"] for r in answer.json()] == ["publicised"]
