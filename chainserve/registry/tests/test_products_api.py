"""/api/v1/products/ — products and pipelines (产品/管线) as on the enterprise's page: who may, the form's rules,
400 at the field, and nothing changed by a refused write."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict

from chainserve.chains.tests.factories import PlacementFactory
from chainserve.registry import services
from chainserve.registry.models import Organization, Product
from chainserve.registry.tests.factories import OrganizationFactory, ProductFactory, make_uscc

PRODUCTS = "/api/v1/products/"
NEW = {"name": "NFS-01 注射液", "kind": "drug", "indication": "Leber 遗传性视神经病变", "drug_class": "bio1",
       "phase": "phase3", "expedited": ["breakthrough", "priority"]}


def stored(product):
    return model_to_dict(Product.objects.get(pk=product.pk))


def test_the_office_adds_reads_changes_and_deletes_a_product(world, api_as):
    api = api_as(world.users.office)

    created = api.post(PRODUCTS, {"organization": world.nfs.pk, **NEW}, format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: v for k, v in body.items() if k not in {"id", "created", "updated"}} == {
        "organization": world.nfs.pk, **NEW, "approval_type": "", "approved_on": None}
    product = Product.objects.get(pk=body["id"])
    assert (product.organization, product.expedited, product.history.first().history_user) == (
        world.nfs, ["breakthrough", "priority"], world.users.office)
    assert api.get(f"{PRODUCTS}{product.pk}/").json()["name"] == "NFS-01 注射液"
    assert [p["name"] for p in api.get(f"/api/v1/organizations/{world.nfs.pk}/").json()["products"]] == [
        "NFS-01 注射液"]

    changed = api.patch(f"{PRODUCTS}{product.pk}/", {"phase": "approved", "approved_on": "2026-03-01"},
                        format="json")

    assert changed.status_code == 200, changed.content
    product.refresh_from_db()
    assert (product.phase, product.approval_type, product.approved_on) == (
        "approved", "marketing", datetime.date(2026, 3, 1))  # an approved product's date: its marketing approval

    put = api.put(f"{PRODUCTS}{product.pk}/", {**changed.json(), "indication": "视神经病变"}, format="json")
    assert put.status_code == 200, put.content
    assert Product.objects.get(pk=product.pk).indication == "视神经病变"

    assert api.delete(f"{PRODUCTS}{product.pk}/").status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()


def test_products_filter_by_organisation_phase_and_search(world, api_as):
    ProductFactory(organization=world.nfs, name="纽福斯一号", phase="phase3")
    ProductFactory(organization=world.nfs, name="纽福斯二号", phase="approved")
    ProductFactory(organization=world.wz, name="康宁一号", phase="phase3")
    api = api_as(world.users.handler)

    def names(**query):
        return sorted(p["name"] for p in api.get(PRODUCTS, query).json()["results"])

    assert names(organization=world.nfs.pk) == ["纽福斯一号", "纽福斯二号"]
    assert names(phase="phase3") == ["康宁一号", "纽福斯一号"]
    assert names(q="康宁") == ["康宁一号"]


def test_the_enterprise_sees_only_its_own_products_and_may_not_change_them(world, api_as):
    own = ProductFactory(organization=world.nfs, name="纽福斯一号")
    other = ProductFactory(organization=world.wz, name="康宁一号")
    before = {p.pk: stored(p) for p in (own, other)}
    api = api_as(world.users.enterprise)

    assert [p["name"] for p in api.get(PRODUCTS).json()["results"]] == ["纽福斯一号"]
    assert api.get(f"{PRODUCTS}{other.pk}/").status_code == 404
    # it may change no product at all: refused before the record is looked up, seen or not
    assert api.patch(f"{PRODUCTS}{other.pk}/", {"phase": "approved"}, format="json").status_code == 403
    assert api.patch(f"{PRODUCTS}{own.pk}/", {"phase": "approved"}, format="json").status_code == 403
    assert api.delete(f"{PRODUCTS}{own.pk}/").status_code == 403
    assert api.post(PRODUCTS, {"organization": world.nfs.pk, **NEW}, format="json").status_code == 403

    assert {p.pk: stored(p) for p in Product.objects.all()} == before


@pytest.mark.parametrize("role", ["handler", "partner"])
def test_roles_that_may_not_change_an_organisation_change_no_product(world, api_as, role):
    product = ProductFactory(organization=world.bank, name="银行产品")
    before = stored(product)
    api = api_as(getattr(world.users, role))

    assert api.post(PRODUCTS, {"organization": world.bank.pk, **NEW}, format="json").status_code == 403
    assert api.patch(f"{PRODUCTS}{product.pk}/", {"name": "改名"}, format="json").status_code == 403
    assert api.delete(f"{PRODUCTS}{product.pk}/").status_code == 403

    assert (Product.objects.count(), stored(product)) == (1, before)


def test_the_office_may_not_touch_the_products_of_a_firm_on_another_office_s_chain(world, api_as):
    firm = OrganizationFactory(name="西湖临床研究有限公司", uscc=make_uscc(77))
    PlacementFactory(segment=world.s_trial, organization=firm)  # only on the district chain
    product = ProductFactory(organization=firm, name="西湖一号")
    before = stored(product)
    api = api_as(world.users.office)

    assert api.post(PRODUCTS, {"organization": firm.pk, **NEW}, format="json").status_code == 403
    assert api.patch(f"{PRODUCTS}{product.pk}/", {"name": "改名"}, format="json").status_code == 403
    assert api.delete(f"{PRODUCTS}{product.pk}/").status_code == 403

    assert (Product.objects.count(), stored(product)) == (1, before)


@pytest.mark.parametrize(("payload", "errors"), [
    ({"phase": "phase9"}, {"phase": ['"phase9" is not a valid choice.']}),
    ({"expedited": ["fast"]}, {"expedited": {"0": ['"fast" is not a valid choice.']}}),
    ({"expedited": "breakthrough"}, {"expedited": ['Expected a list of items but got type "str".']}),
    ({"phase": "phase2", "approved_on": "2026-01-01"},
     {"approved_on": ["Only an approved product has an approval date, unless its approval type is a clinical-trial "
                      "approval."]}),
    ({"phase": "phase2", "approval_type": "marketing"},
     {"approval_type": ["Only an approved product has a marketing approval."]}),
    ({"name": ""}, {"name": ["This field may not be blank."]}),
    ({"pipeline": "x"}, {"pipeline": ["Unknown field."]}),
])
def test_a_bad_field_is_a_400_at_the_field_and_nothing_is_written(world, api_as, payload, errors):
    answer = api_as(world.users.office).post(PRODUCTS, {"organization": world.nfs.pk, **NEW, **payload},
                                             format="json")

    assert (answer.status_code, answer.json()) == (400, errors)
    assert Product.objects.count() == 0


def test_a_product_stays_with_its_enterprise(world, api_as):
    product = ProductFactory(organization=world.nfs, name="纽福斯一号")
    api = api_as(world.users.office)

    moved = api.patch(f"{PRODUCTS}{product.pk}/", {"organization": world.wz.pk}, format="json")

    assert (moved.status_code, moved.json()) == (400, {"organization": ["This field cannot be set here."]})
    assert Product.objects.get(pk=product.pk).organization == world.nfs
    same = api.patch(f"{PRODUCTS}{product.pk}/", {"organization": world.nfs.pk, "phase": "nda"}, format="json")
    assert same.status_code == 200


def test_an_organisation_s_products_are_not_written_through_the_organisation(world, api_as):
    before = model_to_dict(world.nfs)

    answer = api_as(world.users.office).patch(f"/api/v1/organizations/{world.nfs.pk}/",
                                              {"products": [{"name": "纽福斯一号"}]}, format="json")

    assert (answer.status_code, answer.json()) == (400, {"products": ["This field cannot be set here."]})
    assert (Product.objects.count(), model_to_dict(Organization.objects.get(pk=world.nfs.pk))) == (0, before)


def test_the_service_the_page_and_the_api_share_refuses_a_user_outside_the_scope(world):
    with pytest.raises(PermissionDenied):
        services.save_product(world.users.handler, Product(organization=world.nfs, name="纽福斯一号"))

    assert Product.objects.count() == 0


def test_the_page_adds_a_product_through_the_same_service(world, client_as):
    page = client_as(world.users.office).post(f"/registry/organizations/{world.nfs.pk}/products/add/", {
        "name": "NR082", "kind": "drug", "phase": "approved", "approved_on": "2026-05-10",
        "expedited": ["priority"]})

    assert page.status_code == 302
    product = Product.objects.get()
    assert (product.organization, product.expedited, product.history.first().history_user) == (
        world.nfs, ["priority"], world.users.office)
