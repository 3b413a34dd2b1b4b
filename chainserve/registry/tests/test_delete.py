"""Who may change and delete an organisation, and that a delete never takes other records with it."""

import datetime

import pytest

from chainserve.chains.models import Placement
from chainserve.chains.tests.factories import PlacementFactory
from chainserve.coordination.models import InstructorAssignment
from chainserve.core.models import User
from chainserve.registry.models import Organization, Person, Product, Relationship
from chainserve.registry.tests.factories import OrganizationFactory

ORGS = "/api/v1/organizations/"


def counts():
    """Row counts of an organisation's dependents, to compare before and after a refused delete."""
    return {model.__name__: model.objects.count()
            for model in (Organization, Placement, Person, Product, Relationship, InstructorAssignment)} | {
        "users with an organisation": User.objects.filter(organization__isnull=False).count()}


@pytest.fixture
def trial_firm(world):
    """An enterprise placed only on the district chain, whose office `office` does not staff."""
    firm = OrganizationFactory(name="西湖临床研究有限公司")
    PlacementFactory(segment=world.s_trial, organization=firm)
    return firm


def test_an_office_neither_changes_nor_deletes_an_organisation_only_on_another_offices_chain(
        world, api_as, client_as, trial_firm):
    # given `office` staffs the city chain only; the firm is on the district chain
    api = api_as(world.users.office)
    before = counts()

    # when / then: the placement is out of its scope, and so now is the organisation
    placement = Placement.objects.get(organization=trial_firm)
    assert api.get(f"/api/v1/placements/{placement.pk}/").status_code == 404
    assert api.patch(f"{ORGS}{trial_firm.pk}/", {"employees": 5}, format="json").status_code == 403
    assert api.delete(f"{ORGS}{trial_firm.pk}/").status_code == 403
    assert client_as(world.users.office).post(f"/registry/organizations/{trial_firm.pk}/delete/").status_code == 403
    trial_firm.refresh_from_db()
    assert trial_firm.employees is None
    assert counts() == before


def test_an_office_changes_what_is_on_its_chain_and_what_is_on_no_chain(world, api_as):
    api = api_as(world.users.office)

    # 纽福斯 is on its chain; the bank is on no chain
    assert api.patch(f"{ORGS}{world.nfs.pk}/", {"employees": 121}, format="json").status_code == 200
    assert api.patch(f"{ORGS}{world.bank.pk}/", {"employees": 800}, format="json").status_code == 200
    assert (Organization.objects.get(pk=world.nfs.pk).employees,
            Organization.objects.get(pk=world.bank.pk).employees) == (121, 800)


def test_a_specialist_changes_only_the_enterprises_it_serves_and_deletes_none(world, api_as):
    api = api_as(world.users.specialist)
    assert api.patch(f"{ORGS}{world.nfs.pk}/", {"employees": 121}, format="json").status_code == 403

    # given it becomes 纽福斯's instructor (and an ended duty at 溫州康寧 gives it nothing there)
    InstructorAssignment.objects.create(enterprise=world.nfs, user=world.users.specialist,
                                        started_on=datetime.date(2025, 1, 1))
    InstructorAssignment.objects.create(enterprise=world.wz, user=world.users.specialist,
                                        started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(2021, 1, 1))
    before = counts()

    # then
    assert api.patch(f"{ORGS}{world.nfs.pk}/", {"employees": 121}, format="json").status_code == 200
    assert api.patch(f"{ORGS}{world.wz.pk}/", {"employees": 31}, format="json").status_code == 403
    assert api.delete(f"{ORGS}{world.nfs.pk}/").status_code == 403
    assert api.patch(f"/api/v1/people/{world.p_nfs.pk}/", {"title": "董事长"}, format="json").status_code == 200
    assert api.patch(f"/api/v1/people/{world.p_wz.pk}/", {"title": "董事长"}, format="json").status_code == 403
    assert (Organization.objects.get(pk=world.wz.pk).employees, Person.objects.get(pk=world.p_wz.pk).title) == (
        30, "办公室主任")
    assert counts() == before


@pytest.mark.parametrize("role", ["handler", "enterprise", "partner"])
def test_other_roles_change_and_delete_no_organisation(world, api_as, client_as, role):
    api = api_as(getattr(world.users, role))
    before = counts()

    for org in (world.nfs, world.bank, world.dept):
        assert api.patch(f"{ORGS}{org.pk}/", {"employees": 1}, format="json").status_code in (403, 404)
        assert api.delete(f"{ORGS}{org.pk}/").status_code in (403, 404)
        assert client_as(getattr(world.users, role)).post(
            f"/registry/organizations/{org.pk}/delete/").status_code in (403, 404)
    assert counts() == before


@pytest.mark.parametrize("role", ["admin", "office"])
def test_deleting_an_organisation_that_others_use_is_refused_with_what_uses_it(world, api_as, role):
    before = counts()

    response = api_as(getattr(world.users, role)).delete(f"{ORGS}{world.nfs.pk}/")

    assert response.status_code == 409
    assert response.json() == {"detail": "This organisation is still used by other records and cannot be deleted: "
                                         "placements (2), people (1), relationships (1), users (1)."}
    assert counts() == before
    assert world.users.enterprise.__class__.objects.get(pk=world.users.enterprise.pk).organization_id == world.nfs.pk


def test_the_page_refuses_the_delete_with_the_same_message(world, client_as):
    client = client_as(world.users.office)
    before = counts()

    response = client.post(f"/registry/organizations/{world.nfs.pk}/delete/", follow=True)

    assert response.redirect_chain == [(f"/registry/organizations/{world.nfs.pk}/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "This organisation is still used by other records and cannot be deleted: "
        "placements (2), people (1), relationships (1), users (1)."]
    assert counts() == before


def test_the_refusal_reads_as_an_official_document_in_chinese(world, api_as, settings):
    api = api_as(world.users.admin)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = api.delete(f"{ORGS}{world.nfs.pk}/")

    assert response.json() == {"detail": "该主体仍被以下记录引用，不能删除：链上企业（2）、人员（1）、关系（1）、用户（1）。"}


def test_an_unused_organisation_is_deleted_from_the_page_and_the_api(world, client_as, api_as):
    # given two associations on no chain, used by nothing
    first, second = (OrganizationFactory(name=name, kind="association") for name in ("甲协会", "乙协会"))
    client = client_as(world.users.office)

    # the page offers the button and deletes
    assert f'organizations/{first.pk}/delete/"' in client.get(first.get_absolute_url()).content.decode()
    response = client.post(f"/registry/organizations/{first.pk}/delete/")
    assert (response.status_code, response["Location"]) == (302, "/registry/organizations/")
    # and so does the API
    assert api_as(world.users.office).delete(f"{ORGS}{second.pk}/").status_code == 204
    assert not Organization.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_the_delete_button_shows_only_to_who_may_delete(world, client_as):
    InstructorAssignment.objects.create(enterprise=world.nfs, user=world.users.specialist,
                                        started_on=datetime.date(2025, 1, 1))
    url = f"/registry/organizations/{world.nfs.pk}/"
    shown = {role: f"organizations/{world.nfs.pk}/delete/" in client_as(getattr(world.users, role)).get(url)
             .content.decode() for role in ("admin", "office", "specialist", "handler")}

    assert shown == {"admin": True, "office": True, "specialist": False, "handler": False}
