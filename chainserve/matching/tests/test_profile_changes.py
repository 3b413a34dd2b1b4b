"""Every write that changes what a rule reads reaches matching by one path (core.profiles): a save or a delete
through the API, a product saved, a workbook import, the admin. Each shows a match appear, then disappear,
once the worker has run what the write queued."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from chainserve.core.models import OutboxTask
from chainserve.core.tasks import relay_outbox
from chainserve.matching import services
from chainserve.matching.models import Match
from chainserve.registry import services as registry_services
from chainserve.registry.models import Organization
from chainserve.registry.tests.factories import ProductFactory
from chainserve.registry.tests.test_import import workbook  # noqa: F401 (a fixture)

from .conftest import HITECH_EAST

RAW_MATERIALS = {"field": "segment", "op": "has", "value": "原料药"}
APPROVED_DRUG = {"field": "phase", "op": "has", "value": "approved"}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """The Tasks API's immediate backend: a task runs as it is handed over (the tests' transaction never
    commits, and a real worker would close the connection it runs in)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def run_worker():
    """What happens once the writes have committed: the outbox is handed to the task backend, which runs
    every task."""
    relay_outbox()


def matched(rule):
    return sorted(Match.objects.filter(rule=rule).values_list("enterprise__name", flat=True))


def queued():
    return list(OutboxTask.objects.values_list("task_path", "args"))


def rule_for(catalogue, expression):
    rule = services.save_rule(catalogue.users.office, catalogue.hitech, expression).rule
    run_worker()
    return rule


def test_a_placement_created_then_deleted_through_the_api_makes_then_unmakes_the_match(catalogue, api_as):
    world = catalogue.world
    rule = rule_for(catalogue, RAW_MATERIALS)
    api = api_as(catalogue.users.office)
    assert matched(rule) == []

    created = api.post("/api/v1/placements/", {"segment": world.s_raw.pk, "organization": world.wz.pk,
                                               "role": "supporting"}, format="json")
    assert created.status_code == 201
    run_worker()
    assert matched(rule) == ["溫州康寧醫藥有限公司"]

    assert api.delete(f"/api/v1/placements/{created.data['id']}/").status_code == 204
    assert queued() == [("chainserve.matching.tasks.recompute_enterprises_task", [[world.wz.pk]])]
    run_worker()
    assert matched(rule) == []


def test_a_placement_moved_to_another_enterprise_moves_the_match(catalogue, api_as):
    world = catalogue.world
    rule = rule_for(catalogue, RAW_MATERIALS)
    api = api_as(catalogue.users.office)
    pk = api.post("/api/v1/placements/", {"segment": world.s_raw.pk, "organization": world.wz.pk,
                                          "role": "supporting"}, format="json").data["id"]
    run_worker()

    assert api.patch(f"/api/v1/placements/{pk}/", {"organization": world.nfs.pk}, format="json").status_code == 200
    # the enterprise it left and the one it joined
    assert queued() == [("chainserve.matching.tasks.recompute_enterprises_task", [sorted([world.nfs.pk, world.wz.pk])])]
    run_worker()
    assert matched(rule) == ["武汉纽福斯生物科技有限公司"]


def test_a_product_saved_through_the_services_makes_then_unmakes_the_match(catalogue):
    world = catalogue.world
    rule = rule_for(catalogue, APPROVED_DRUG)

    product = registry_services.save_product(catalogue.users.office,
                                             ProductFactory.build(organization=world.wz, phase="approved"))
    run_worker()
    assert matched(rule) == ["溫州康寧醫藥有限公司"]

    product.phase = "phase3"
    registry_services.save_product(catalogue.users.office, product)
    run_worker()
    assert matched(rule) == []


def test_a_product_s_approval_saved_through_the_services_makes_then_unmakes_a_product_condition_match(catalogue):
    world = catalogue.world
    rule = rule_for(catalogue, {"product": {"all": [{"field": "approval_type", "op": "eq", "value": "clinical_trial"},
                                                    {"field": "approved_on", "op": "in_policy_year"}]}})
    product = registry_services.save_product(catalogue.users.office, ProductFactory.build(
        organization=world.wz, phase="phase1", approval_type="clinical_trial", approved_on=timezone.localdate()))
    run_worker()
    assert matched(rule) == ["溫州康寧醫藥有限公司"]

    product.approved_on = timezone.localdate() - datetime.timedelta(days=3660)
    registry_services.save_product(catalogue.users.office, product)
    run_worker()
    assert matched(rule) == []


def test_a_product_added_changed_then_deleted_through_the_api_makes_then_unmakes_the_match(catalogue, api_as):
    world = catalogue.world
    rule = rule_for(catalogue, APPROVED_DRUG)
    api = api_as(catalogue.users.office)

    created = api.post("/api/v1/products/", {"organization": world.wz.pk, "name": "康宁一号", "phase": "approved",
                                             "drug_class": "chem1"}, format="json")
    assert created.status_code == 201, created.content
    assert queued() == [("chainserve.matching.tasks.recompute_enterprises_task", [[world.wz.pk]])]
    run_worker()
    assert matched(rule) == ["溫州康寧醫藥有限公司"]

    url = f"/api/v1/products/{created.data['id']}/"
    assert api.patch(url, {"phase": "phase3"}, format="json").status_code == 200
    run_worker()
    assert matched(rule) == []

    assert api.patch(url, {"phase": "approved"}, format="json").status_code == 200
    run_worker()
    assert matched(rule) == ["溫州康寧醫藥有限公司"]
    assert api.delete(url).status_code == 204
    run_worker()
    assert matched(rule) == []


def test_a_workbook_s_products_sheet_makes_the_match(catalogue, tmp_path):
    from chainserve.registry.tests.test_product_import import two_sheets

    world = catalogue.world
    rule = rule_for(catalogue, APPROVED_DRUG)
    path = tmp_path / "book.xlsx"
    path.write_bytes(two_sheets([["名称", "统一社会信用代码"]], [[world.nfs.uscc, "NR082", "", "", "", "已获批", "", None]]))

    result = registry_services.import_organizations(path, catalogue.users.office)

    assert result.errors == []
    assert queued() == [("chainserve.matching.tasks.recompute_enterprises_task", [[world.nfs.pk]])]
    run_worker()
    assert matched(rule) == ["武汉纽福斯生物科技有限公司"]


def test_a_workbook_import_queues_one_recompute_that_makes_then_unmakes_the_match(catalogue, workbook):  # noqa: F811
    world = catalogue.world
    rule = rule_for(catalogue, HITECH_EAST)
    header = ["名称", "统一社会信用代码", "所在区"]

    registry_services.import_organizations(workbook(header, [
        [world.wz.name, world.wz.uscc, "东湖区"], [world.nfs.name, world.nfs.uscc, "东湖区"]]), catalogue.users.office)
    # one task for the import, not one per row
    assert queued() == [("chainserve.matching.tasks.recompute_enterprises_task", [sorted([world.nfs.pk, world.wz.pk])])]
    run_worker()
    assert matched(rule) == ["武汉纽福斯生物科技有限公司", "溫州康寧醫藥有限公司"]

    registry_services.import_organizations(workbook(header, [
        [world.wz.name, world.wz.uscc, "西湖区"], [world.nfs.name, world.nfs.uscc, "东湖区"]]), catalogue.users.office)
    run_worker()
    assert matched(rule) == ["武汉纽福斯生物科技有限公司"]


def admin_form(org, **changes):
    """The admin's change form of org as the browser posts it, with changes."""
    data = {name: "" if value is None else value for name, value in model_to_dict(org).items()}
    data["labels"] = [label.pk for label in data["labels"]]
    data.update(changes)
    return {name: value for name, value in data.items() if name not in {"id", "search_text"}}


def test_an_organisation_changed_and_deleted_in_the_admin_reaches_matching(catalogue, client_as):
    world = catalogue.world
    rule = rule_for(catalogue, HITECH_EAST)
    superuser = catalogue.users.admin
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    admin = client_as(superuser)
    url = f"/admin/registry/organization/{world.wz.pk}/change/"

    response = admin.post(url, admin_form(world.wz, district=world.dong.pk))
    assert response.headers["Location"] == "/admin/registry/organization/"
    run_worker()
    assert matched(rule) == ["武汉纽福斯生物科技有限公司", "溫州康寧醫藥有限公司"]

    admin.post(url, admin_form(Organization.objects.get(pk=world.wz.pk), labels=[world.srdi.pk]))
    run_worker()
    assert matched(rule) == ["武汉纽福斯生物科技有限公司"]

    Match.objects.all().delete()
    admin.post(f"/admin/registry/organization/{world.nfs.pk}/delete/", {"post": "yes"})
    assert queued() == [("chainserve.matching.tasks.recompute_enterprises_task", [[world.nfs.pk]])]


def test_the_profiles_of_many_organisations_at_once_queue_one_full_recompute(db):
    services.profiles_changed(list(range(1, services.ONE_BY_ONE + 2)))

    assert queued() == [("chainserve.matching.tasks.recompute_all_task", [])]
