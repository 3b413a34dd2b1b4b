"""What the demo showed wrong on the application pages: declared amounts as bare numbers, a state strip listing
states the application never took, a policy filter typed as a number, an unpaginated 公示 page."""

import datetime

import pytest
from django.utils import timezone

from chainserve.resources import applications as apps
from chainserve.resources.application_views import declared_inputs
from chainserve.resources.models import Policy, PolicyApplication

from .test_applications import close_window, pdf, published


@pytest.fixture
def road(world):
    world.policy = published(title="研发费用补助", issuer=world.dept)
    return world


def zh(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def test_declared_amounts_read_as_every_amount_does(road, client_as, settings):
    a = apps.apply(road.policy, road.users.enterprise, inputs={"研发投入（元）": 6_000_000, "投资额(万元)": "250",
                                                               "新增就业": "12人", "租金（元）": "面议"})
    page = zh(client_as(road.users.enterprise), settings).get(f"/resources/applications/{a.pk}/").content.decode()

    assert "研发投入：600万元<br>" in page and "投资额：250万元<br>" in page
    assert "新增就业：12人<br>" in page and "租金（元）：面议<br>" in page  # not an amount: as declared
    assert "6000000" not in page


def test_declared_inputs_without_a_unit_are_left_as_they_are():
    assert declared_inputs({"研发投入": "100万元", "人数": 3}) == [("研发投入", "100万元"), ("人数", 3)]


def strip(page):
    road = page.split('id="application-road"')[1].split("</ol>")[0]
    return [(part.split('class="list-inline-item road-')[1].split(" ")[0].split('"')[0],
             part.split("</span>")[-1].split("</li>")[0] if "</span>" in part else part.split(">", 1)[1].split("</li>")[0])
            for part in road.split("<li")[1:]]


def test_the_state_strip_shows_the_road_taken_and_what_is_ahead(road, client_as):
    u = road.users
    a = apps.apply(road.policy, u.enterprise, amount=100_00)
    a = apps.start_review(a, u.handler)
    a = apps.return_for_more(a, u.handler, note="补充材料")
    returned = client_as(u.enterprise).get(f"/resources/applications/{a.pk}/").content.decode()
    a = apps.answer(a, u.enterprise, note="已补充")
    a = apps.approve(a, u.handler)
    [a] = apps.publicise_list(road.policy, u.office)
    close_window(a)
    a = apps.pay(a, u.handler, voucher=pdf("凭证.pdf"))
    paid = client_as(u.enterprise).get(f"/resources/applications/{a.pk}/").content.decode()
    refused = apps.refuse(apps.apply(published(title="房租补贴", issuer=road.dept), u.enterprise), u.handler,
                          reason="不符合条件")
    refused_page = client_as(u.enterprise).get(f"/resources/applications/{refused.pk}/").content.decode()

    assert strip(returned) == [("done", "Submitted"), ("done", "Under review"), ("current", "Returned for more"),
                               ("ahead", "Under review"), ("ahead", "Approved"), ("ahead", "Publicised"),
                               ("ahead", "Paid"), ("ahead", "Received")]
    assert strip(paid) == [("done", "Submitted"), ("done", "Under review"), ("done", "Returned for more"),
                           ("done", "Under review"), ("done", "Approved"), ("done", "Publicised"),
                           ("current", "Paid"), ("ahead", "Received")]
    assert strip(refused_page) == [("done", "Submitted"), ("current", "Refused")]


def test_the_review_queue_filters_by_a_policy_chosen_from_those_in_scope(road, client_as):
    other = Policy.objects.create(title="别的部门的政策", issuer=road.bank, status="published",
                                  published_at=timezone.now())
    mine = apps.apply(road.policy, road.users.enterprise)
    apps.apply(other, road.users.enterprise)
    dept = client_as(road.users.handler)

    page = dept.get("/resources/applications/").content.decode()
    filtered = dept.get(f"/resources/applications/?policy={road.policy.pk}")

    select = page.split('name="policy"')[1].split("</select>")[0]
    assert f'<option value="{road.policy.pk}">研发费用补助</option>' in select and "别的部门的政策" not in select
    assert filtered.status_code == 200 and f"/resources/applications/{mine.pk}/" in filtered.content.decode()


def test_the_public_notice_is_paginated(road, client):
    for i in range(51):
        PolicyApplication.objects.create(
            enterprise=road.nfs if i == 0 else type(road.nfs).objects.create(name=f"企业{i:02d}", kind="enterprise"),
            policy=road.policy, state="publicised", amount_approved=100_00,
            objection_until=timezone.localdate() + datetime.timedelta(days=3))

    first, second = client.get("/resources/applications/notice/"), client.get("/resources/applications/notice/?page=2")

    rows = first.content.decode().split('id="notice-list"')[1].split("</table>")[0].count("<tr>")
    assert (first.status_code, rows) == (200, 51)  # the head and 50 rows
    assert '?&amp;page=2"' in first.content.decode() and '?&amp;page=1"' in second.content.decode()
    assert second.content.decode().split('id="notice-list"')[1].split("</table>")[0].count("<tr>") == 2
