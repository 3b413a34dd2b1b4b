"""Pairings, instructors and coverages: figures for reports, history, enterprise scope in pages and API."""

import datetime
from decimal import Decimal

import pytest

from chainserve.coordination import metrics
from chainserve.coordination.models import Coverage, InstructorAssignment, Pairing
from chainserve.registry.choices import OrgKind
from chainserve.registry.tests.factories import OrganizationFactory, make_uscc

D = datetime.date


@pytest.fixture
def party(world):
    """A pairing of 经信局's branch with 纽福斯 (from 2025-03-01), an ended one with 溫州康寧, a full-time instructor at
    纽福斯, coverages: 纽福斯 has all four, 溫州康寧 a party organisation (from 2026-07-01) and a union that ended."""
    branch = OrganizationFactory(name="市经信局机关党支部", kind=OrgKind.PARTY_ORG)
    Pairing.objects.create(agency_branch=branch, enterprise=world.nfs, enterprise_branch="纽福斯党支部",
                           started_on=D(2025, 3, 1))
    Pairing.objects.create(agency_branch=world.dept, enterprise=world.wz, enterprise_branch="康宁党支部",
                           started_on=D(2024, 1, 1), ended_on=D(2025, 12, 31))
    InstructorAssignment.objects.create(enterprise=world.nfs, user=world.users.specialist, kind="full",
                                        started_on=D(2025, 1, 1))
    InstructorAssignment.objects.create(enterprise=world.wz, person=world.p_bank, kind="part",
                                        started_on=D(2027, 1, 1))
    for kind in ["party_org", "party_work", "union", "youth_league"]:
        Coverage.objects.create(enterprise=world.nfs, kind=kind, started_on=D(2025, 6, 1))
    Coverage.objects.create(enterprise=world.wz, kind="party_org", started_on=D(2026, 7, 1))
    Coverage.objects.create(enterprise=world.wz, kind="union", started_on=D(2024, 1, 1), ended_on=D(2025, 1, 1))
    return branch


def test_coverage_rates_for_a_chain_on_a_date(world, party):
    figures = metrics.coverage_rates(chain=world.chain, on=D(2026, 8, 1))
    assert figures == {
        "enterprises": 2, "on": D(2026, 8, 1),
        "party_org": {"count": 2, "rate": Decimal("1.0000")},
        "party_work": {"count": 1, "rate": Decimal("0.5000")},
        "union": {"count": 1, "rate": Decimal("0.5000")},
        "youth_league": {"count": 1, "rate": Decimal("0.5000")},
        "two_coverages": {"count": 1, "rate": Decimal("0.5000")},
    }
    earlier = metrics.coverage_rates(chain=world.chain, on=D(2024, 6, 1))
    assert (earlier["party_org"]["count"], earlier["union"]["count"]) == (0, 1)


def test_coverage_rates_by_district_and_with_no_enterprise(world, party):
    assert metrics.coverage_rates(district=world.xi, on=D(2026, 8, 1))["party_org"] == {
        "count": 1, "rate": Decimal("1.0000")}
    none = metrics.coverage_rates(district=world.dong, chain=world.dchain, on=D(2026, 8, 1))
    assert none["enterprises"] == 0 and none["party_org"] == {"count": 0, "rate": None}


def test_pairing_counts(world, party):
    assert metrics.pairing_counts(chain=world.chain, on=D(2026, 8, 1)) == {
        "on": D(2026, 8, 1), "enterprises": 2, "pairings": 1, "paired_enterprises": 1, "agency_branches": 1,
        "paired_rate": Decimal("0.5000"), "instructors": {"full": 1, "part": 0, "all": 1},
        "enterprises_with_instructor": 1, "instructor_rate": Decimal("0.5000"),
    }
    assert metrics.pairing_counts(chain=world.chain, on=D(2025, 6, 1))["pairings"] == 2


def test_coverage_and_pairings_share_one_count_of_the_enterprises(world, party, django_assert_num_queries):
    firms = metrics.Enterprises(chain=world.chain)

    coverage = metrics.coverage_rates(on=D(2026, 8, 1), firms=firms)
    with django_assert_num_queries(2):  # the pairings and the instructors: the enterprises are counted already
        pairings = metrics.pairing_counts(on=D(2026, 8, 1), firms=firms)

    assert coverage == metrics.coverage_rates(chain=world.chain, on=D(2026, 8, 1))
    assert pairings == metrics.pairing_counts(chain=world.chain, on=D(2026, 8, 1))
    assert (firms.total, pairings["enterprises"], coverage["enterprises"]) == (2, 2, 2)


def test_coverage_change_keeps_history(world, party, client_as):
    coverage = Coverage.objects.get(enterprise=world.wz, kind="party_org")
    response = client_as(world.users.specialist).post(f"/coordination/coverages/{coverage.pk}/edit/", {
        "enterprise": world.wz.pk, "kind": "party_org", "started_on": "2026-06-15"})
    assert response.status_code == 302
    history = list(Coverage.objects.get(pk=coverage.pk).history.order_by("history_id"))
    assert [(h.started_on, h.history_user) for h in history] == [(D(2026, 7, 1), None),
                                                                 (D(2026, 6, 15), world.users.specialist)]
    page = client_as(world.users.office).get(f"/coordination/coverages/{coverage.pk}/").content.decode()
    assert "June 15, 2026" in page


def test_pairing_form_refuses_an_enterprise_as_agency_branch(world, client_as):
    response = client_as(world.users.office).post("/coordination/pairings/add/", {
        "agency_branch": world.wz.pk, "enterprise": world.nfs.pk, "enterprise_branch": "党支部",
        "started_on": "2026-01-01"})
    assert response.status_code == 200
    assert "Choose a party organisation or a department." in response.content.decode()
    assert Pairing.objects.count() == 0


def test_instructor_needs_a_person_or_user(world, api_as):
    response = api_as(world.users.office).post("/api/v1/instructors/", {
        "enterprise": world.nfs.pk, "kind": "part", "started_on": "2026-01-01"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Name the instructor: a person or a user."]}
    assert InstructorAssignment.objects.count() == 0


def test_enterprise_sees_only_its_own_records(world, party, client_as, api_as):
    client = client_as(world.users.enterprise)
    page = client.get("/coordination/pairings/").content.decode()
    assert "纽福斯党支部" in page and "康宁党支部" not in page
    other = Pairing.objects.get(enterprise=world.wz)
    assert client.get(f"/coordination/pairings/{other.pk}/").status_code == 404
    assert client.post(f"/coordination/pairings/{other.pk}/edit/", {
        "agency_branch": world.dept.pk, "enterprise": world.wz.pk, "enterprise_branch": "改了",
        "started_on": "2024-01-01"}).status_code == 404

    api = api_as(world.users.enterprise)
    assert [c["kind"] for c in api.get("/api/v1/coverages/").json()["results"]] == [
        "party_org", "party_work", "union", "youth_league"]
    wz_cov = Coverage.objects.get(enterprise=world.wz, kind="party_org")
    assert api.get(f"/api/v1/coverages/{wz_cov.pk}/").status_code == 404
    assert api.patch(f"/api/v1/coverages/{wz_cov.pk}/", {"note": "x"}, format="json").status_code == 403
    own = Coverage.objects.get(enterprise=world.nfs, kind="union")
    assert api.patch(f"/api/v1/coverages/{own.pk}/", {"note": "x"}, format="json").status_code == 403
    assert api.get(f"/api/v1/pairings/{other.pk}/").status_code == 404
    assert [i["kind"] for i in api.get("/api/v1/instructors/").json()["results"]] == ["full"]
    assert Pairing.objects.get(pk=other.pk).enterprise_branch == "康宁党支部"
    assert (Coverage.objects.get(pk=wz_cov.pk).note, Coverage.objects.get(pk=own.pk).note) == ("", "")


def test_partner_sees_none(world, party, api_as):
    api = api_as(world.users.partner)
    for url in ["pairings", "instructors", "coverages"]:
        assert api.get(f"/api/v1/{url}/").json()["results"] == [], url


def test_list_pages_filters_current_on(world, party, client_as):
    page = client_as(world.users.office).get("/coordination/pairings/?current_on=2026-08-01").content.decode()
    assert "纽福斯党支部" in page and "康宁党支部" not in page


def test_coverage_once_per_kind(world, party, api_as):
    response = api_as(world.users.office).post("/api/v1/coverages/", {
        "enterprise": world.nfs.pk, "kind": "union", "started_on": "2026-01-01"}, format="json")
    assert response.status_code == 400
    assert Coverage.objects.filter(enterprise=world.nfs, kind="union").count() == 1


def test_new_enterprise_counts_in_district(world, party):
    OrganizationFactory(name="新企业", uscc=make_uscc(9), district=world.xi)
    assert metrics.coverage_rates(district=world.xi, on=D(2026, 8, 1))["party_org"] == {
        "count": 1, "rate": Decimal("0.5000")}
