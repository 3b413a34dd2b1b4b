"""一企一档: the organisation page as the whole file, each part scoped to the viewer."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainserve.coordination.models import Agreement, Visit
from chainserve.demands import services as demand_services
from chainserve.demands.models import Category
from chainserve.registry.tests.factories import UserFactory


@pytest.fixture
def filed(world):
    """纽福斯 with two demands (one raised by its own user, one recorded by the specialist), a visit and a
    bank's credit agreement on the city chain; 溫州康寧 with a demand of its own."""
    u = world.users
    policy = Category.objects.get(slug="policy")
    intake = demand_services.Intake
    world.d_own = demand_services.submit(u.enterprise, intake(
        organization=world.nfs, category=policy, title="研发费用加计扣除辅导", description="申报口径。"))
    world.d_visit = demand_services.submit(u.specialist, intake(
        organization=world.nfs, category=policy, title="厂房租金减免", description="走访中提出。", channel="visit"))
    world.enterprise2 = UserFactory(username="enterprise2", role="enterprise", organization=world.wz)
    world.d_wz = demand_services.submit(world.enterprise2, intake(
        organization=world.wz, category=policy, title="人才公寓申请", description="三名博士。"))
    world.visit = Visit.objects.create(organization=world.nfs, visitor=u.specialist,
                                       visited_on=datetime.date(2026, 3, 2), purpose="了解选址需求")
    world.agreement = Agreement.objects.create(chain=world.chain, kind="credit", title="授信协议",
                                               institution=world.bank, enterprise=world.nfs,
                                               amount_fen=50_000_000_00, signed_on=datetime.date(2026, 4, 1))
    return world


def parts(client, org):
    response = client.get(f"/registry/organizations/{org.pk}/")
    assert response.status_code == 200
    return {p.key: p for p in response.context["parts"]}


def pks(part):
    return {row.pk for row in part.rows}


def test_the_enterprise_sees_its_own_placements_as_the_office_does(filed, client_as):
    """Regression: the enterprise's own file said "Not placed on any chain" while the office saw it as 链主 of
    抗体药物 (placements were scoped to chain staff only)."""
    own = parts(client_as(filed.users.enterprise), filed.nfs)["placements"]
    office = parts(client_as(filed.users.office), filed.nfs)["placements"]

    assert pks(own) == pks(office) == {filed.pl_ab_nfs.pk, filed.pl_svc_nfs.pk}
    page = client_as(filed.users.enterprise).get(f"/registry/organizations/{filed.nfs.pk}/").content.decode()
    assert "Not placed on any chain." not in page
    assert "Chain owner" in page and "抗体药物" in page


def test_the_office_sees_the_whole_file(filed, client_as):
    got = parts(client_as(filed.users.office), filed.nfs)

    assert list(got) == ["placements", "demands", "visits", "agreements"]
    assert pks(got["demands"]) == {filed.d_own.pk, filed.d_visit.pk}
    assert got["demands"].count == 2
    assert pks(got["visits"]) == {filed.visit.pk}
    assert pks(got["agreements"]) == {filed.agreement.pk}


def test_the_enterprise_sees_its_file_and_may_ask_for_corrections(filed, client_as):
    response = client_as(filed.users.enterprise).get(f"/registry/organizations/{filed.nfs.pk}/")
    got = {p.key: p for p in response.context["parts"]}

    assert list(got) == ["placements", "demands", "visits", "agreements", "corrections"]
    assert pks(got["demands"]) == {filed.d_own.pk, filed.d_visit.pk}
    assert got["corrections"].count == 0
    assert response.context["can_correct"] is True and response.context["can_edit"] is False
    assert f"/registry/organizations/{filed.nfs.pk}/corrections/add/?field=employees" in response.content.decode()


def test_a_handler_sees_only_the_demands_its_department_handles(filed, client_as):
    office = filed.users.office
    demand_services.dispatch(filed.d_visit, office, filed.dept, [])

    got = parts(client_as(filed.users.handler), filed.nfs)

    assert pks(got["demands"]) == {filed.d_visit.pk}
    assert "corrections" not in got  # a department neither sees nor decides correction requests


def test_another_enterprise_sees_nothing_of_the_file(filed, client_as):
    client = client_as(filed.enterprise2)

    assert client.get(f"/registry/organizations/{filed.nfs.pk}/").status_code == 404
    assert client.get(f"/registry/organizations/{filed.nfs.pk}/corrections/add/?field=employees").status_code == 404
    # and its own file holds its own demand only
    assert pks(parts(client, filed.wz)["demands"]) == {filed.d_wz.pk}


def test_the_bank_sees_its_own_file_with_the_agreements_it_signed(filed, client_as):
    got = parts(client_as(filed.users.partner), filed.bank)

    assert list(got) == ["agreements"]  # a bank raises no demands and is placed on no chain: no empty parts
    assert pks(got["agreements"]) == {filed.agreement.pk}


def test_the_file_makes_as_many_queries_for_many_rows_as_for_few(filed, client_as):
    client = client_as(filed.users.office)
    url = f"/registry/organizations/{filed.nfs.pk}/"
    policy = Category.objects.get(slug="policy")

    def add(n, start):
        for i in range(start, start + n):
            demand_services.submit(filed.users.enterprise, demand_services.Intake(
                organization=filed.nfs, category=policy, title=f"诉求{i}", description="。"))
            Visit.objects.create(organization=filed.nfs, visitor=filed.users.specialist,
                                 visited_on=datetime.date(2026, 5, 1 + i), purpose=f"走访{i}")

    add(8, 0)  # parts fuller than a page shows: their count is asked
    client.get(url)  # the process's caches (calendar, categories)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(20, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert [(p.key, p.count, len(p.rows)) for p in response.context["parts"]][1:3] == [
        ("demands", 30, 8), ("visits", 29, 8)]
    assert len(many) == len(few)
