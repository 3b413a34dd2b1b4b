"""Catalogue pages: who sees and changes what, lists with filters and export, forms with field errors."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from chainserve.resources.choices import ItemStatus
from chainserve.resources.models import FinancialProduct, Policy

from .conftest import snapshot


def titles(response):
    return sorted(obj.title for obj, _cells in response.context["rows"])


@pytest.mark.parametrize(("role", "expected"), [
    ("enterprise", ["明湖市科技贷款贴息办法", "科技型中小企业研发补助"]),
    ("partner", ["明湖市科技贷款贴息办法", "科技型中小企业研发补助"]),
    ("handler", ["明湖市科技贷款贴息办法", "科技型中小企业研发补助", "首台套医疗器械支持政策"]),
    ("office", ["明湖市科技贷款贴息办法", "科技型中小企业研发补助", "首台套医疗器械支持政策"]),
])
def test_the_policy_list_shows_drafts_only_to_staff(cat, client_as, role, expected):
    response = client_as(getattr(cat.users, role)).get("/resources/policies/")

    assert response.status_code == 200
    assert titles(response) == expected


def test_a_partner_sees_its_own_drafts_but_not_another_institutions(cat, client_as):
    client = client_as(cat.users.partner)

    assert titles(client.get("/resources/financial-products/")) == ["知识产权质押贷", "科创贷"]
    assert client.get(f"/resources/financial-products/{cat.product_draft.pk}/").status_code == 200
    assert client.get(f"/resources/financial-products/{cat.other_draft.pk}/").status_code == 404


@pytest.mark.parametrize(("role", "name", "status"), [
    ("enterprise", "draft", 404),  # a draft is not shown to enterprises
    ("enterprise", "policy", 403),  # a published policy is shown, not changed
    ("partner", "other_draft", 404),
    ("partner", "product", 200),  # its own
    ("handler", "sci_policy", 403),  # another department's
])
def test_the_edit_form_opens_only_for_what_the_user_keeps(cat, client_as, role, name, status):
    item = getattr(cat, name)
    slug = "policies" if isinstance(item, Policy) else "financial-products"

    assert client_as(getattr(cat.users, role)).get(f"/resources/{slug}/{item.pk}/edit/").status_code == status


@pytest.mark.parametrize(("role", "name", "status"), [
    ("enterprise", "policy", 403),
    ("partner", "other_draft", 404),
    ("handler", "sci_policy", 403),
])
def test_changing_what_one_does_not_keep_is_refused_and_changes_nothing(cat, client_as, role, name, status):
    item = getattr(cat, name)
    slug = "policies" if isinstance(item, Policy) else "financial-products"
    owner = type(item).owner_field
    before = snapshot(item)
    client = client_as(getattr(cat.users, role))

    edit = client.post(f"/resources/{slug}/{item.pk}/edit/", {"title": "改掉", owner: item.owner_org_id})
    publish = client.post(f"/resources/{slug}/{item.pk}/status/", {"action": "withdraw"})

    assert (edit.status_code, publish.status_code) == (status, status)
    assert snapshot(item) == before


def test_a_handler_edits_its_departments_policy_with_tags(cat, client_as):
    response = client_as(cat.users.handler).post(f"/resources/policies/{cat.draft.pk}/edit/", {
        "title": "首台套医疗器械推广应用支持政策", "issuer": cat.world.dept.pk, "level": "city",
        "tag_names": "医疗器械、首台套", "effective_from": "2026-01-01", "effective_to": "2027-12-31",
    })

    assert response.status_code == 302
    policy = Policy.objects.get(pk=cat.draft.pk)
    assert (policy.title, sorted(policy.tag_names())) == ("首台套医疗器械推广应用支持政策", ["医疗器械", "首台套"])


def test_a_handler_can_pick_only_its_own_department_as_issuer(cat, client_as):
    count = Policy.objects.count()
    response = client_as(cat.users.handler).post("/resources/policies/add/", {
        "title": "别的部门的政策", "issuer": cat.sci.pk, "level": "city"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "issuer": ["Select a valid choice. That choice is not one of the available choices."]}
    assert Policy.objects.count() == count


def test_a_broken_rule_of_the_model_is_shown_at_the_form(cat, client_as):
    response = client_as(cat.users.partner).post(f"/resources/financial-products/{cat.product.pk}/edit/", {
        "title": "科创贷", "institution": cat.world.bank.pk, "kind": "credit",
        "amount_min": "5000000", "amount_max": "100"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": ["The largest amount cannot be below the smallest."]}
    assert "The largest amount cannot be below the smallest." in response.content.decode()
    assert FinancialProduct.objects.get(pk=cat.product.pk).amount_max == 30_000_000


def test_the_policy_of_the_dates_is_checked_at_the_form(cat, client_as):
    response = client_as(cat.users.office).post("/resources/policies/add/", {
        "title": "新政策", "issuer": cat.world.dept.pk, "level": "city",
        "effective_from": "2026-05-01", "effective_to": "2026-01-01"})

    assert response.context["form"].errors == {"__all__": ["The policy cannot end before it takes effect."]}


def test_publish_and_withdraw_from_the_page(cat, client_as):
    client = client_as(cat.users.office)

    assert client.post(f"/resources/policies/{cat.draft.pk}/status/", {"action": "publish"}).status_code == 302
    assert Policy.objects.get(pk=cat.draft.pk).status == ItemStatus.PUBLISHED
    again = client.post(f"/resources/policies/{cat.draft.pk}/status/", {"action": "publish"}, follow=True)
    assert "This item is already published." in again.content.decode()


@pytest.mark.parametrize(("query", "expected"), [
    ("q=贴息", ["明湖市科技贷款贴息办法"]),
    ("q=kjdk", ["明湖市科技贷款贴息办法"]),  # pinyin initials of 科技贷款
    ("q=科技貸款", ["明湖市科技贷款贴息办法"]),  # traditional characters
    ("tag=医疗器械", ["首台套医疗器械支持政策"]),
    ("status=draft", ["首台套医疗器械支持政策"]),
    ("owner=", ["明湖市科技贷款贴息办法", "科技型中小企业研发补助", "首台套医疗器械支持政策"]),
])
def test_list_filters(cat, client_as, query, expected):
    assert titles(client_as(cat.users.office).get(f"/resources/policies/?{query}")) == expected


def test_amount_filter_of_financial_products(cat, client_as):
    client = client_as(cat.users.office)

    assert titles(client.get("/resources/financial-products/?amount=5000000")) == ["知识产权质押贷", "研发担保贷", "科创贷"]
    assert titles(client.get("/resources/financial-products/?amount=50000000")) == ["知识产权质押贷", "研发担保贷"]


def test_export_to_excel_neutralises_formulas(cat, client_as):
    Policy.objects.filter(pk=cat.policy.pk).update(document_number="=HYPERLINK(1)")

    response = client_as(cat.users.enterprise).get("/resources/policies/?export=xlsx&sort=title")

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Title", "Issuer", "Document number")
    assert [r[:3] for r in rows[1:]] == [("明湖市科技贷款贴息办法", "明湖市经济和信息化局", "'=HYPERLINK(1)"),
                                         ("科技型中小企业研发补助", "明湖市科学技术局", None)]


def test_the_item_page_shows_the_fields(cat, client_as):
    response = client_as(cat.users.enterprise).get(f"/resources/financial-products/{cat.product.pk}/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "CNY 1 million" in text and "CNY 30 million" in text
    assert "Withdraw" not in text  # an enterprise does not change it


def test_the_policy_page_links_to_its_eligibility_rule_for_those_who_change_it(cat, client_as):
    from chainserve.matching import services as matching

    rule = matching.save_rule(cat.users.admin, cat.draft, {"field": "employees", "op": "lt", "value": 300}).rule

    office = client_as(cat.users.office)
    assert office.get(f"/resources/policies/{cat.policy.pk}/").context["rule_url"] == \
        f"/matching/rules/add/?policy={cat.policy.pk}"
    assert office.get(f"/resources/policies/{cat.draft.pk}/").context["rule_url"] == f"/matching/rules/{rule.pk}/"
    assert client_as(cat.users.partner).get(f"/resources/financial-products/{cat.product.pk}/").context[
        "rule_url"] == f"/matching/rules/add/?product={cat.product.pk}"
    response = client_as(cat.users.enterprise).get(f"/resources/policies/{cat.policy.pk}/")
    assert response.context["rule_url"] is None and 'id="rule-link"' not in response.content.decode()


def test_a_partner_is_linked_to_the_next_version_of_its_products_rule(cat, client_as):
    from chainserve.matching import services as matching

    rule = matching.save_rule(cat.users.partner, cat.product, {"field": "employees", "op": "lt", "value": 300}).rule

    response = client_as(cat.users.partner).get(f"/resources/financial-products/{cat.product.pk}/")

    assert response.context["rule_url"] == f"/matching/rules/{rule.pk}/edit/"
    assert f'href="/matching/rules/{rule.pk}/edit/" id="rule-link"' in response.content.decode()
