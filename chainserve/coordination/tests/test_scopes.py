"""What an enterprise user reaches in coordination, page by page and endpoint by endpoint: its own records and
the activities open to it; everything else is 404 and a write to it changes nothing."""

import datetime

import pytest

from chainserve.coordination import services
from chainserve.coordination.models import Activity, Agreement, Coverage, Pairing, Registration, Visit
from chainserve.registry.tests.factories import UserFactory

D = datetime.date


@pytest.fixture
def records(coord):
    """For each of 纽福斯 (the enterprise user's) and 溫州康寧: a registration, a visit, an agreement, a pairing and a
    coverage; plus an activity closed to enterprises."""
    w = coord.world
    wz_user = UserFactory(username="wz", role="enterprise", organization=w.wz)
    r = {"closed": Activity.objects.create(chain=coord.chain, kind="party_day", title="机关主题党日",
                                           starts_at=coord.activity.starts_at, open_to_enterprises=False)}
    for key, org, user in [("own", w.nfs, coord.users.enterprise), ("other", w.wz, wz_user)]:
        r[f"{key}_reg"] = services.sign_up(coord.activity, user, org, [("甲", "", "")])
        r[f"{key}_visit"] = Visit.objects.create(organization=org, visitor=coord.users.specialist,
                                                 visited_on=D(2026, 5, 1), purpose=f"走访{key}")
        r[f"{key}_agreement"] = Agreement.objects.create(chain=coord.chain, kind="credit", title=f"授信{key}",
                                                         institution=w.bank, enterprise=org, signed_on=D(2026, 6, 1))
        r[f"{key}_pairing"] = Pairing.objects.create(agency_branch=w.dept, enterprise=org, enterprise_branch=f"支部{key}",
                                                     started_on=D(2025, 1, 1))
        r[f"{key}_coverage"] = Coverage.objects.create(enterprise=org, kind="party_org", started_on=D(2025, 1, 1))
    return r


ENDPOINTS = [  # (API collection, page path or None, fixture key prefix)
    ("registrations", "registrations", "reg"),
    ("visits", "visits", "visit"),
    ("agreements", "agreements", "agreement"),
    ("pairings", "pairings", "pairing"),
    ("coverages", "coverages", "coverage"),
]


@pytest.mark.parametrize(("api", "page", "key"), ENDPOINTS)
def test_enterprise_lists_and_reads_only_its_own(coord, records, api_as, client_as, api, page, key):
    client, pages = api_as(coord.users.enterprise), client_as(coord.users.enterprise)
    own, other = records[f"own_{key}"], records[f"other_{key}"]
    assert [row["id"] for row in client.get(f"/api/v1/{api}/").json()["results"]] == [own.pk]
    assert client.get(f"/api/v1/{api}/{own.pk}/").status_code == 200
    assert client.get(f"/api/v1/{api}/{other.pk}/").status_code == 404
    assert pages.get(f"/coordination/{page}/{own.pk}/").status_code == 200
    assert pages.get(f"/coordination/{page}/{other.pk}/").status_code == 404


@pytest.mark.parametrize(("page", "key", "data"), [
    ("visits", "visit", {"visited_on": "2026-05-02", "purpose": "改了"}),
    ("pairings", "pairing", {"enterprise_branch": "改了", "started_on": "2025-01-01"}),
    ("coverages", "coverage", {"kind": "union", "started_on": "2025-01-01"}),
    ("agreements", "agreement", {"kind": "credit", "title": "改了", "signed_on": "2026-06-01"}),
])
def test_enterprise_edit_of_another_enterprises_record_is_404_and_changes_nothing(
        coord, records, client_as, page, key, data):
    other = records[f"other_{key}"]
    before = type(other).objects.filter(pk=other.pk).values().get()
    response = client_as(coord.users.enterprise).post(f"/coordination/{page}/{other.pk}/edit/", data)
    assert response.status_code == 404
    assert type(other).objects.filter(pk=other.pk).values().get() == before


def test_enterprise_sees_open_activities_only(coord, records, api_as, client_as):
    client = api_as(coord.users.enterprise)
    assert [a["id"] for a in client.get("/api/v1/activities/").json()["results"]] == [coord.activity.pk]
    assert client.get(f"/api/v1/activities/{records['closed'].pk}/").status_code == 404
    assert client_as(coord.users.enterprise).get(f"/coordination/activities/{records['closed'].pk}/").status_code == 404
    response = client.post("/api/v1/registrations/", {"activity": records["closed"].pk,
                                                      "attendees": [{"name": "甲"}]}, format="json")
    assert response.status_code == 400
    assert Registration.objects.filter(activity=records["closed"]).count() == 0


def test_enterprise_check_in_of_another_registration_is_404(coord, records, client_as, api_as):
    other = records["other_reg"]
    assert api_as(coord.users.enterprise).post(f"/api/v1/registrations/{other.pk}/check-in/",
                                               {}, format="json").status_code == 404
    assert client_as(coord.users.enterprise).post(f"/coordination/registrations/{other.pk}/").status_code == 404
    assert other.attendees.get().checked_in_at is None


def test_mine_page_lists_own_records_only(coord, records, client_as):
    page = client_as(coord.users.enterprise).get("/coordination/mine/").content.decode()
    assert "授信own" in page and "授信other" not in page
    assert "走访own" in page and "走访other" not in page
    assert "支部own" in page and "支部other" not in page
    assert "Party organisation set up" in page
