"""A saved match opens no item its viewer may not see: a withdrawn policy or one back to draft stays hidden."""

import pytest
from django.utils import timezone

from chainserve.matching import services
from chainserve.matching.models import Match
from chainserve.resources.choices import ItemStatus
from chainserve.resources.models import Policy

from .conftest import HITECH_EAST

GONE = "This item is no longer available: it was withdrawn or is being revised."


@pytest.fixture
def saved(catalogue):
    """The hitech policy matched to 纽福斯, and the match saved by the enterprise."""
    catalogue.east = services.save_rule(catalogue.users.office, catalogue.hitech, HITECH_EAST).rule
    services.recompute_all(timezone.localdate())
    catalogue.match = Match.objects.get(rule=catalogue.east)
    services.set_state(catalogue.match, catalogue.users.enterprise, "save")
    return catalogue


@pytest.mark.parametrize("status", [ItemStatus.WITHDRAWN, ItemStatus.DRAFT])
def test_a_withdrawn_or_redrafted_item_is_not_shown_through_its_match(saved, client_as, status):
    # the issuer takes the policy back and drafts a new text
    Policy.objects.filter(pk=saved.hitech.pk).update(status=status, benefit="草稿:补贴比例待定。",
                                                     title="研发费用补贴(修订稿)")
    before = Match.objects.filter(pk=saved.match.pk).values().get()
    client = client_as(saved.users.enterprise)

    page = client.get(f"/matching/matches/{saved.match.pk}/")
    mine = client.get("/matching/mine/")

    assert page.status_code == 404
    html = page.content.decode()
    assert GONE in html
    assert "草稿" not in html and "修订稿" not in html and "高新技术企业研发费用补贴" not in html
    assert Match.objects.filter(pk=saved.match.pk).values().get() == before  # not counted as opened
    assert list(mine.context["current"]) == []
    assert "修订稿" not in mine.content.decode()


def test_staff_still_read_the_match_of_a_withdrawn_item(saved, client_as):
    Policy.objects.filter(pk=saved.hitech.pk).update(status=ItemStatus.WITHDRAWN)

    assert client_as(saved.users.office).get(f"/matching/matches/{saved.match.pk}/").status_code == 200


def test_a_published_item_still_opens(saved, client_as):
    page = client_as(saved.users.enterprise).get(f"/matching/matches/{saved.match.pk}/")

    assert page.status_code == 200
    assert "高新技术企业研发费用补贴" in page.content.decode()


@pytest.mark.parametrize("status", [ItemStatus.WITHDRAWN, ItemStatus.DRAFT])
def test_the_api_shows_no_match_of_a_withdrawn_or_redrafted_item_to_the_enterprise(saved, api_as, status):
    Policy.objects.filter(pk=saved.hitech.pk).update(status=status, title="研发费用补贴(修订稿)")
    before = Match.objects.filter(pk=saved.match.pk).values().get()
    api = api_as(saved.users.enterprise)

    listed = api.get("/api/v1/matches/")
    one = api.get(f"/api/v1/matches/{saved.match.pk}/")
    acted = api.post(f"/api/v1/matches/{saved.match.pk}/state/", {"action": "apply"}, format="json")

    assert listed.status_code == 200 and listed.json()["count"] == 0
    assert (one.status_code, acted.status_code) == (404, 404)
    assert "修订稿" not in listed.content.decode() + one.content.decode()
    assert Match.objects.filter(pk=saved.match.pk).values().get() == before
    # staff still see the match (the issuer keeps its rule's history)
    assert api_as(saved.users.office).get(f"/api/v1/matches/{saved.match.pk}/").status_code == 200
