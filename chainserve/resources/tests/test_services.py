"""Saving, publishing and withdrawing catalogue items; what other apps read from the models."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainserve.resources import services
from chainserve.resources.choices import ItemStatus
from chainserve.resources.models import FinancialProduct, Policy, Tag

from .conftest import snapshot


def test_save_item_sets_the_tags_by_name_and_creates_new_ones(cat):
    services.save_item(cat.users.office, cat.draft, ["医疗器械", "首台套", "首台套"])

    assert sorted(cat.draft.tag_names()) == ["医疗器械", "首台套"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["医疗器械", "融资", "贴息", "首台套"]


def test_publish_sets_status_and_time_and_tells_what_follows_the_catalogue(cat, monkeypatch):
    seen = []
    monkeypatch.setattr(services, "catalogue_changed", seen.append)
    services.publish(cat.draft, cat.users.handler)

    row = Policy.objects.get(pk=cat.draft.pk)
    assert row.status == ItemStatus.PUBLISHED
    assert row.published_at is not None
    assert [item.pk for item in seen] == [cat.draft.pk]
    assert row.history.first().history_user == cat.users.handler


def test_withdraw_then_publish_again(cat):
    services.withdraw(cat.policy, cat.users.office)
    assert Policy.objects.get(pk=cat.policy.pk).status == ItemStatus.WITHDRAWN
    assert Policy.objects.published().filter(pk=cat.policy.pk).exists() is False

    services.publish(cat.policy, cat.users.office)
    assert Policy.objects.get(pk=cat.policy.pk).status == ItemStatus.PUBLISHED


@pytest.mark.parametrize(("name", "action", "message"), [
    ("policy", services.publish, "This item is already published."),
    ("draft", services.withdraw, "Only a published item can be withdrawn."),
])
def test_a_refused_status_change_says_why_and_changes_nothing(cat, name, action, message):
    item = getattr(cat, name)
    before = snapshot(item)

    with pytest.raises(ValidationError) as e:
        action(item, cat.users.office)

    assert e.value.message_dict == {"status": [message]}
    assert snapshot(item) == before


@pytest.mark.parametrize(("role", "name"), [
    ("partner", "other_draft"),  # another bank's product
    ("handler", "sci_policy"),  # another department's policy
    ("enterprise", "policy"),
])
def test_publishing_what_one_does_not_keep_is_refused_and_changes_nothing(cat, role, name):
    item = getattr(cat, name)
    before = snapshot(item)

    with pytest.raises(PermissionDenied):
        (services.withdraw if item.is_published else services.publish)(item, getattr(cat.users, role))

    assert snapshot(item) == before


def test_a_partner_keeps_its_own_institutions_products(cat):
    services.publish(cat.product_draft, cat.users.partner)

    assert FinancialProduct.objects.get(pk=cat.product_draft.pk).status == ItemStatus.PUBLISHED


def test_saving_an_item_for_another_institution_is_refused_and_rolled_back(cat):
    count = FinancialProduct.objects.count()

    with pytest.raises(PermissionDenied):
        services.save_item(cat.users.partner, FinancialProduct(title="别家的产品", institution=cat.other_bank), ["融资"])

    assert FinancialProduct.objects.count() == count
    assert Tag.objects.filter(name="融资").get().financialproduct_items.count() == 1


def test_what_the_matching_app_reads(cat):
    policy = Policy.objects.get(pk=cat.policy.pk)

    assert policy.owner_org_id == cat.world.dept.pk
    assert policy.relevance_text() == "明湖市科技贷款贴息办法\n按实际支付利息的50%给予贴息。\n明科规〔2025〕1号\n融资\n贴息"
    assert policy.is_effective(datetime.date(2026, 1, 1)) is True
    policy.effective_to = datetime.date(2025, 12, 31)
    assert policy.is_effective(datetime.date(2026, 1, 1)) is False
    assert list(Policy.objects.published().order_by("pk")) == [cat.policy, cat.sci_policy]


def test_publishing_a_policy_with_a_rule_queues_the_recompute_of_its_matches(cat, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from chainserve.matching.models import Rule

    rule = Rule.objects.create(policy=cat.draft)

    with django_capture_on_commit_callbacks(execute=True):
        services.publish(cat.draft, cat.users.office)

    assert list(DBTaskResult.objects.values_list("task_path", "args_kwargs")) == [
        ("chainserve.matching.tasks.recompute_rule_task", {"args": [rule.pk], "kwargs": {}})]
