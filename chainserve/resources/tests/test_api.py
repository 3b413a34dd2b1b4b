"""The catalogue API: scoped lists, field errors as 400, tags by name, publish and withdraw."""

import pytest

from chainserve.resources.choices import ItemStatus
from chainserve.resources.models import FinancialProduct, Policy, Space

from .conftest import snapshot


def ids(response):
    return sorted(r["id"] for r in response.json()["results"])


@pytest.mark.parametrize("slug", ["policies", "financial-products", "spaces", "equipment", "experts",
                                  "talent-programmes", "achievements"])
def test_every_kind_has_its_endpoint(cat, api_as, slug):
    assert api_as(cat.users.enterprise).get(f"/api/v1/{slug}/").status_code == 200


def test_an_enterprise_lists_only_published_items(cat, api_as):
    api = api_as(cat.users.enterprise)

    assert ids(api.get("/api/v1/policies/")) == sorted([cat.policy.pk, cat.sci_policy.pk])
    assert api.get(f"/api/v1/policies/{cat.draft.pk}/").status_code == 404
    assert ids(api.get("/api/v1/financial-products/")) == [cat.product.pk]


def test_a_partner_lists_its_own_drafts_too(cat, api_as):
    api = api_as(cat.users.partner)

    assert ids(api.get("/api/v1/financial-products/")) == sorted([cat.product.pk, cat.product_draft.pk])
    assert api.get(f"/api/v1/financial-products/{cat.other_draft.pk}/").status_code == 404


def test_the_item_as_the_api_shows_it(cat, api_as):
    data = api_as(cat.users.enterprise).get(f"/api/v1/policies/{cat.policy.pk}/").json()

    assert {k: data[k] for k in ("title", "issuer", "document_number", "tags", "status",
                                 "granted_without_application")} == {
        "title": "明湖市科技贷款贴息办法", "issuer": cat.world.dept.pk, "document_number": "明科规〔2025〕1号",
        "tags": ["融资", "贴息"], "status": "published", "granted_without_application": False}


def test_create_with_tags_as_a_partner(cat, api_as):
    response = api_as(cat.users.partner).post("/api/v1/financial-products/", {
        "title": "订单贷", "institution": cat.world.bank.pk, "amount_min": 100000, "amount_max": 5000000,
        "tags": ["融资", "订单"]}, format="json")

    assert response.status_code == 201
    product = FinancialProduct.objects.get(pk=response.json()["id"])
    assert (product.status, sorted(product.tag_names())) == (ItemStatus.DRAFT, ["融资", "订单"])


@pytest.mark.parametrize(("body", "errors"), [
    ({"title": "", "institution": "BANK"}, {"title": ["This field may not be blank."]}),
    ({"title": "x", "institution": "OTHER"},
     {"institution": ['Invalid pk "OTHER" - object does not exist.']}),
    ({"title": "x", "institution": "BANK", "amount_min": 10, "amount_max": 5},
     {"non_field_errors": ["The largest amount cannot be below the smallest."]}),
    ({"title": "x", "institution": "BANK", "amount_min": -1},
     {"non_field_errors": ["An amount cannot be negative."]}),
    ({"title": "x", "institution": "BANK", "kind": "gift"}, {"kind": ['"gift" is not a valid choice.']}),
    # Publishing is its own step: a status in the body is refused, not dropped.
    ({"title": "x", "institution": "BANK", "status": "published"}, {"status": ["This field cannot be set here."]}),
    ({"title": "x", "institution": "BANK", "tags": ["a" * 41]},
     {"tags": {"0": ["Ensure this field has no more than 40 characters."]}}),
])
def test_bad_input_is_a_400_with_field_errors_and_writes_nothing(cat, api_as, body, errors):
    ref = {"BANK": cat.world.bank.pk, "OTHER": cat.other_bank.pk}
    body = {k: ref.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    errors = {k: [m.replace("OTHER", str(cat.other_bank.pk)) for m in v] if isinstance(v, list) else v
              for k, v in errors.items()}
    count = FinancialProduct.objects.count()

    response = api_as(cat.users.partner).post("/api/v1/financial-products/", body, format="json")

    assert (response.status_code, response.json()) == (400, errors)
    assert FinancialProduct.objects.count() == count


def test_a_space_needs_its_area(cat, api_as):
    park = cat.world.park
    response = api_as(cat.users.office).post("/api/v1/spaces/", {"title": "B3栋", "park": park.pk}, format="json")

    assert (response.status_code, response.json()) == (400, {"area_m2": ["This field is required."]})
    assert Space.objects.count() == 0


def test_publish_and_withdraw_endpoints(cat, api_as):
    api = api_as(cat.users.handler)

    published = api.post(f"/api/v1/policies/{cat.draft.pk}/publish/")
    assert (published.status_code, published.json()["status"]) == (200, "published")
    again = api.post(f"/api/v1/policies/{cat.draft.pk}/publish/")
    assert (again.status_code, again.json()) == (400, {"status": ["This item is already published."]})
    assert api.post(f"/api/v1/policies/{cat.draft.pk}/withdraw/").json()["status"] == "withdrawn"


@pytest.mark.parametrize(("role", "name", "status"), [
    ("enterprise", "policy", 403),
    ("partner", "other_draft", 404),
    ("partner", "policy", 403),
    ("handler", "sci_policy", 403),
])
def test_changing_what_one_does_not_keep_is_refused_and_changes_nothing(cat, api_as, role, name, status):
    item = getattr(cat, name)
    slug = "policies" if isinstance(item, Policy) else "financial-products"
    before = snapshot(item)
    api = api_as(getattr(cat.users, role))

    responses = [api.patch(f"/api/v1/{slug}/{item.pk}/", {"title": "改掉", "tags": ["x"]}, format="json"),
                 api.post(f"/api/v1/{slug}/{item.pk}/withdraw/"),
                 api.delete(f"/api/v1/{slug}/{item.pk}/")]

    assert [r.status_code for r in responses] == [status] * 3
    assert snapshot(item) == before
