"""Every export is in the audit trail — a page's ?export=xlsx and an API list alike — with its count and filter."""

import pytest

from chainserve.core.models import AuditEntry


@pytest.fixture
def quiet(world):
    AuditEntry.objects.all().delete()  # the logins of the fixtures
    return world


def test_an_api_list_of_people_is_audited_with_its_count_and_filter(quiet, api_as):
    api = api_as(quiet.users.office)

    response = api.get("/api/v1/people/", {"limit": 1000, "organization": quiet.nfs.pk})

    assert [row["phone"] for row in response.json()["results"]] == ["+8613812345678"]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.user, entry.ip) == ("export", quiet.users.office, "127.0.0.1")
    assert entry.detail == f"registry.Person?limit=1000&organization={quiet.nfs.pk} (1)"


@pytest.mark.parametrize(("url", "label", "count"), [
    ("/api/v1/organizations/", "registry.Organization", 6),
    ("/api/v1/placements/", "chains.Placement", 6),
    ("/api/v1/demands/", "demands.Demand", 0),
    ("/api/v1/matches/", "matching.Match", 0),
])
def test_every_api_list_is_audited(quiet, api_as, url, label, count):
    response = api_as(quiet.users.admin).get(url)

    assert response.status_code == 200
    assert list(AuditEntry.objects.values_list("action", "detail")) == [("export", f"{label}? ({count})")]


def test_a_page_export_and_an_api_list_write_the_same_entry(quiet, client_as, api_as):
    client_as(quiet.users.office).get("/registry/people/", {"q": "陈杰", "export": "xlsx"})
    api_as(quiet.users.office).get("/api/v1/people/", {"q": "陈杰"})

    assert sorted(AuditEntry.objects.filter(action="export").values_list("detail", flat=True)) == [
        "registry.Person?q=%E9%99%88%E6%9D%B0 (1)",
        "registry.Person?q=%E9%99%88%E6%9D%B0&export=xlsx (1)",
    ]


def test_a_refused_or_single_record_read_is_not_an_export(quiet, api_as):
    api_as(quiet.users.office).get(f"/api/v1/people/{quiet.p_nfs.pk}/")
    api_as(quiet.users.office).get("/api/v1/people/", {"limit": "x" * 10})  # still a list: audited
    api_as(None).get("/api/v1/people/")

    assert list(AuditEntry.objects.values_list("detail", flat=True)) == [f"registry.Person?limit={'x' * 10} (3)"]
