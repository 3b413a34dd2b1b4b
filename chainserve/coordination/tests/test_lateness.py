"""滞后: an annual-list item is behind when a milestone's date has passed below its target progress — one rule
(ListItem.objects.with_lateness) read by the list and item pages, the filter, the count and the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chainserve.coordination import services
from chainserve.coordination.models import ListItem

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def _behind(**filters):
    return {i.code: (i.behind, i.lateness_text()) for i in ListItem.objects.with_lateness().filter(**filters)}


@pytest.fixture
def late(annual):
    """标准厂房 (1.1) at 20 % with 主体结构封顶 due yesterday at 30 %; 园区道路 (1.2) at 40 % past the same target;
    人才公寓 (2) with a milestone due yesterday and no target, not done."""
    office = annual.users.office
    services.post_update(annual.plant, office, "地基完成。", progress=20)
    services.post_update(annual.road, office, "路基完成。", progress=40)
    services.add_milestone(annual.plant, office, YESTERDAY, "主体结构封顶", target_progress=30)
    services.add_milestone(annual.road, office, YESTERDAY, "路基施工", target_progress=30)
    annual.flats_milestone = services.add_milestone(annual.flats, office, YESTERDAY, "出台配租办法")
    services.add_milestone(annual.flats, office, TODAY, "开工")
    return annual


def test_an_item_below_the_target_of_a_passed_milestone_is_behind(late):
    day = YESTERDAY.isoformat()
    assert _behind() == {
        "1": (False, ""),
        "1.1": (True, f"Milestone “主体结构封顶” of {day} has passed at 20% of its target 30%."),
        "1.2": (False, ""),
        "2": (True, f"Milestone “出台配租办法” of {day} has passed undone."),
    }


def test_a_milestone_done_or_an_item_done_is_not_behind(late):
    services.milestone_done(late.flats_milestone, late.users.office)
    services.post_update(late.plant, late.users.office, "完工。", progress=100)
    assert _behind(behind=True) == {}


def test_a_target_out_of_range_is_refused_at_the_field(late):
    with pytest.raises(ValidationError) as refused:
        services.add_milestone(late.road, late.users.office, TODAY, "验收", target_progress=120)
    assert refused.value.message_dict == {"target_progress": ["Progress is between 0 and 100 %."]}
    assert late.road.milestones.count() == 1


def test_the_list_page_counts_and_flags_the_items_behind(late, client_as):
    client = client_as(late.users.office)
    page = client.get(f"/coordination/lists/{late.list.pk}/").content.decode()
    assert page.count("item-behind") == 2 and "2 items behind schedule" in page
    assert f"?annual_list={late.list.pk}&amp;behind=true" in page
    listed = client.get(f"/coordination/list-items/?annual_list={late.list.pk}&behind=true")
    assert [i.code for i in listed.context["page"]] == ["1.1", "2"]
    item = client.get(f"/coordination/list-items/{late.plant.pk}/").content.decode()
    assert 'id="lateness"' in item and "has passed at 20% of its target 30%." in item


def test_the_api_says_which_items_are_behind(late, api_as):
    rows = api_as(late.users.office).get(f"/api/v1/list-items/?annual_list={late.list.pk}&behind=true").json()
    assert [(r["code"], r["behind"]) for r in rows["results"]] == [("1.1", True), ("2", True)]
