"""/api/v1/chains|segments|placements and the map and gap endpoints, role by role."""

import json

import pytest

from chainserve.chains import services
from chainserve.chains.models import Chain, Placement, Segment

ALL = {"chain", "dchain"}
VISIBLE_CHAINS = {
    "admin": ALL,
    "office": {"chain"},
    "handler": ALL,
    "specialist": ALL,
    "enterprise": set(),
    "partner": set(),
}
SEGMENTS = {"chain": {"s_raw", "s_bio", "s_ab", "s_cgt", "s_svc"}, "dchain": {"s_trial"}}
PLACEMENTS = {
    "chain": {"pl_ab_nfs", "pl_ab_wz", "pl_cgt_hospital", "pl_svc_nfs", "pl_svc_wz"},
    "dchain": {"pl_trial_wz"},
}


# Beyond the chains it sees, a role sees its own organisation's placements (the enterprise: 纽福斯's two).
OWN_PLACEMENTS = {"enterprise": {"pl_ab_nfs", "pl_svc_nfs"}}


def pks(world, names):
    return {getattr(world, n).pk for n in names}


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def snapshot():
    return (
        sorted(Chain.objects.values_list("pk", "name", "description")),
        sorted(Segment.objects.values_list("pk", "chain", "parent", "name")),
        sorted(Placement.objects.values_list("pk", "segment", "organization", "role")),
    )


@pytest.mark.parametrize("role", list(VISIBLE_CHAINS))
def test_lists_show_what_the_role_may_see(world, api_as, role):
    api = api_as(getattr(world.users, role))
    chains = VISIBLE_CHAINS[role]

    assert ids(api.get("/api/v1/chains/")) == pks(world, chains)
    assert ids(api.get("/api/v1/segments/")) == pks(world, set().union(*[SEGMENTS[c] for c in chains]))
    assert ids(api.get("/api/v1/placements/")) == pks(
        world, set().union(OWN_PLACEMENTS.get(role, set()), *[PLACEMENTS[c] for c in chains]))


@pytest.mark.parametrize("role", list(VISIBLE_CHAINS))
def test_records_outside_the_scope_are_not_found(world, api_as, role):
    api = api_as(getattr(world.users, role))
    chains = VISIBLE_CHAINS[role]

    for name in ALL:
        expected = 200 if name in chains else 404
        pk = getattr(world, name).pk
        for url in [f"/api/v1/chains/{pk}/", f"/api/v1/chains/{pk}/map/", f"/api/v1/chains/{pk}/gaps/"]:
            assert api.get(url).status_code == expected, url
        for segment in SEGMENTS[name]:
            assert api.get(f"/api/v1/segments/{getattr(world, segment).pk}/").status_code == expected
        for placement in PLACEMENTS[name]:
            own = placement in OWN_PLACEMENTS.get(role, set())
            assert api.get(f"/api/v1/placements/{getattr(world, placement).pk}/").status_code == (200 if own else expected)


def test_filtering_segments_by_a_chain_the_office_cannot_see_gives_nothing(world, api_as):
    assert ids(api_as(world.users.office).get("/api/v1/segments/", {"chain": world.dchain.pk})) == set()
    assert ids(api_as(world.users.office).get("/api/v1/placements/", {"chain": world.dchain.pk})) == set()


def test_segments_filter_by_chain_stage_parent_and_import_dependence(world, api_as):
    api = api_as(world.users.handler)

    assert ids(api.get("/api/v1/segments/", {"chain": world.chain.pk, "stage": "midstream"})) == pks(
        world, {"s_bio", "s_ab", "s_cgt"}
    )
    assert ids(api.get("/api/v1/segments/", {"parent": world.s_bio.pk})) == pks(world, {"s_ab", "s_cgt"})
    assert ids(api.get("/api/v1/segments/", {"import_dependent": "true"})) == pks(world, {"s_svc"})
    assert ids(api.get("/api/v1/segments/", {"gbt_code": "c27"})) == pks(world, {"s_bio"})


def test_placements_filter_by_segment_role_and_search(world, api_as):
    api = api_as(world.users.handler)

    assert ids(api.get("/api/v1/placements/", {"segment": world.s_ab.pk})) == pks(
        world, {"pl_ab_nfs", "pl_ab_wz"}
    )
    assert ids(api.get("/api/v1/placements/", {"role": ["owner", "carrier"]})) == pks(
        world, {"pl_ab_nfs", "pl_cgt_hospital"}
    )
    assert ids(api.get("/api/v1/placements/", {"q": "温州"})) == pks(
        world, {"pl_ab_wz", "pl_svc_wz", "pl_trial_wz"}
    )


def test_the_map_endpoint_answers_the_map_data(world, api_as):
    response = api_as(world.users.office).get(f"/api/v1/chains/{world.chain.pk}/map/")

    assert response.json() == json.loads(json.dumps(services.map_data(world.chain), default=str))


def test_the_gap_endpoint_lists_the_gaps(world, api_as):
    response = api_as(world.users.office).get(f"/api/v1/chains/{world.chain.pk}/gaps/")

    assert response.json() == [
        {
            "segment": world.s_raw.pk,
            "name": "原料药",
            "stage": "upstream",
            "count": 0,
            "import_dependent": False,
            "reasons": ["no enterprise"],
        },
        {
            "segment": world.s_cgt.pk,
            "name": "细胞与基因治疗",
            "stage": "midstream",
            "count": 1,
            "import_dependent": False,
            "reasons": ["a single enterprise"],
        },
        {
            "segment": world.s_svc.pk,
            "name": "医疗服务",
            "stage": "downstream",
            "count": 2,
            "import_dependent": True,
            "reasons": ["import-dependent"],
        },
    ]


# --- writes -----------------------------------------------------------------------------------------------


def test_office_adds_a_segment_and_a_placement_to_its_chain(world, api_as):
    api = api_as(world.users.office)

    segment = api.post(
        "/api/v1/segments/",
        {"chain": world.chain.pk, "parent": world.s_bio.pk, "name": "疫苗", "stage": "midstream"},
        format="json",
    )
    assert segment.status_code == 201
    placement = api.post(
        "/api/v1/placements/",
        {"segment": segment.json()["id"], "organization": world.wz.pk, "role": "backbone"},
        format="json",
    )

    assert placement.status_code == 201
    assert placement.json()["chain"] == world.chain.pk
    assert Placement.objects.get(pk=placement.json()["id"]).history.get().history_user == world.users.office


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"parent": "s_trial"}, {"parent": ["The parent segment belongs to another chain."]}),
        ({"stage": "sideways"}, {"stage": ['"sideways" is not a valid choice.']}),
        (
            {"name": "抗体药物", "parent": "s_bio"},
            {"non_field_errors": ["This chain already has a segment with this name here."]},
        ),
    ],
)
def test_a_bad_segment_is_a_400_and_nothing_is_written(world, api_as, payload, errors):
    before = snapshot()
    data = {"chain": world.chain.pk, "name": "新环节", "stage": "midstream"}
    data.update({k: getattr(world, v).pk if k == "parent" else v for k, v in payload.items()})

    response = api_as(world.users.admin).post("/api/v1/segments/", data, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


def test_office_cannot_write_into_a_chain_it_does_not_staff(world, api_as):
    api = api_as(world.users.office)
    before = snapshot()

    segment = api.post(
        "/api/v1/segments/", {"chain": world.dchain.pk, "name": "新环节", "stage": "midstream"}, format="json"
    )
    placement = api.post(
        "/api/v1/placements/", {"segment": world.s_trial.pk, "organization": world.nfs.pk}, format="json"
    )

    assert segment.status_code == 400
    assert segment.json() == {"chain": [f'Invalid pk "{world.dchain.pk}" - object does not exist.']}
    assert placement.status_code == 400
    assert placement.json() == {"segment": [f'Invalid pk "{world.s_trial.pk}" - object does not exist.']}
    assert (
        api.patch(f"/api/v1/chains/{world.dchain.pk}/", {"description": "改"}, format="json").status_code
        == 404
    )
    assert (
        api.patch(f"/api/v1/segments/{world.s_trial.pk}/", {"name": "改"}, format="json").status_code == 404
    )
    assert api.delete(f"/api/v1/placements/{world.pl_trial_wz.pk}/").status_code == 404
    assert snapshot() == before


def test_office_cannot_move_a_segment_of_its_chain_into_another(world, api_as):
    before = snapshot()

    response = api_as(world.users.office).patch(
        f"/api/v1/segments/{world.s_raw.pk}/", {"chain": world.dchain.pk}, format="json"
    )

    assert response.status_code == 400
    assert snapshot() == before


def test_the_office_sets_up_a_chain_and_its_staff_and_stays_on_it(world, api_as):
    from chainserve.registry.tests.factories import UserFactory

    colleague = UserFactory(username="office2", role="office")
    api = api_as(world.users.office)

    created = api.post("/api/v1/chains/", {"name": "高端医疗器械产业链", "level": "city", "staff": ["office2"]},
                       format="json")
    chain = Chain.objects.get(name="高端医疗器械产业链")
    # Taking itself off the staff would leave the chain out of its hands: it stays on.
    narrowed = api.patch(f"/api/v1/chains/{chain.pk}/", {"staff": ["office2"]}, format="json")

    assert created.status_code == 201
    assert sorted(created.json()["staff"]) == ["office", "office2"]
    assert narrowed.status_code == 200
    assert set(chain.staff.all()) == {world.users.office, colleague}


def test_only_office_users_can_staff_a_chain_and_nothing_changes(world, api_as):
    before = snapshot()
    api = api_as(world.users.office)

    answer = api.patch(f"/api/v1/chains/{world.chain.pk}/", {"staff": ["office", "enterprise"]}, format="json")

    assert answer.status_code == 400
    assert answer.json() == {"staff": ["Object with username=enterprise does not exist."]}
    assert snapshot() == before
    assert list(world.chain.staff.all()) == [world.users.office]


def test_admin_creates_a_chain_and_a_district_chain_needs_its_district(world, api_as):
    api = api_as(world.users.admin)
    count = Chain.objects.count()

    bad = api.post("/api/v1/chains/", {"name": "区产业链", "level": "district"}, format="json")
    good = api.post(
        "/api/v1/chains/", {"name": "区产业链", "level": "district", "district": world.dong.pk}, format="json"
    )

    assert bad.status_code == 400
    assert bad.json() == {"non_field_errors": ["A province or district chain needs its region."]}
    assert good.status_code == 201
    assert Chain.objects.count() == count + 1


def test_placing_a_bank_through_the_api_is_refused(world, api_as):
    before = snapshot()

    response = api_as(world.users.office).post(
        "/api/v1/placements/", {"segment": world.s_raw.pk, "organization": world.bank.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "organization": ["Only enterprises, hospitals and institutes are placed on a chain."]
    }
    assert snapshot() == before


def test_placing_the_same_enterprise_twice_is_refused(world, api_as):
    before = snapshot()

    response = api_as(world.users.office).post(
        "/api/v1/placements/", {"segment": world.s_ab.pk, "organization": world.nfs.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This organisation is already placed on this segment."]}
    assert snapshot() == before


@pytest.mark.parametrize("role", ["handler", "specialist", "enterprise", "partner"])
def test_who_may_not_change_chains_gets_403_and_nothing_changes(world, api_as, role):
    api = api_as(getattr(world.users, role))
    before = snapshot()

    assert (
        api.post("/api/v1/chains/", {"name": "新产业链", "level": "city"}, format="json").status_code == 403
    )
    assert (
        api.post(
            "/api/v1/segments/",
            {"chain": world.chain.pk, "name": "新环节", "stage": "upstream"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        api.post(
            "/api/v1/placements/", {"segment": world.s_raw.pk, "organization": world.nfs.pk}, format="json"
        ).status_code
        == 403
    )
    assert (
        api.patch(f"/api/v1/chains/{world.chain.pk}/", {"description": "改"}, format="json").status_code
        == 403
    )
    assert api.delete(f"/api/v1/segments/{world.s_raw.pk}/").status_code == 403
    assert api.delete(f"/api/v1/placements/{world.pl_ab_nfs.pk}/").status_code == 403
    assert snapshot() == before


def test_office_deletes_a_placement_of_its_chain(world, api_as):
    response = api_as(world.users.office).delete(f"/api/v1/placements/{world.pl_svc_wz.pk}/")

    assert response.status_code == 204
    assert not Placement.objects.filter(pk=world.pl_svc_wz.pk).exists()
