"""Pages of the chains app: lists, chain, map, gaps, segments, placements; who may see and change them."""

import json

import pytest

from chainserve.chains import services
from chainserve.chains.models import Chain, Placement, Segment

VISIBLE_CHAINS = {
    "admin": {"chain", "dchain"},
    "office": {"chain"},  # only the chains it staffs
    "handler": {"chain", "dchain"},
    "specialist": {"chain", "dchain"},
    "enterprise": set(),
    "partner": set(),
}
CHAIN_SEGMENTS = {"s_raw", "s_bio", "s_ab", "s_cgt", "s_svc"}
CHAIN_PLACEMENTS = {"pl_ab_nfs", "pl_ab_wz", "pl_cgt_hospital", "pl_svc_nfs", "pl_svc_wz"}


def named(world, names):
    return {getattr(world, n) for n in names}


def snapshot():
    return (
        sorted(Chain.objects.values_list("pk", "name", "description")),
        sorted(Segment.objects.values_list("pk", "chain", "parent", "name")),
        sorted(Placement.objects.values_list("pk", "segment", "organization", "role")),
    )


@pytest.mark.parametrize("role", list(VISIBLE_CHAINS))
def test_chain_and_placement_lists_show_what_the_role_may_see(world, client_as, role):
    client = client_as(getattr(world.users, role))
    chains = VISIBLE_CHAINS[role]
    placements = (CHAIN_PLACEMENTS if "chain" in chains else set()) | (
        {"pl_trial_wz"} if "dchain" in chains else set()
    )
    if role == "enterprise":  # its own organisation's placements, for its file (一企一档)
        placements = {"pl_ab_nfs", "pl_svc_nfs"}

    chain_page = client.get("/chains/")
    placement_page = client.get("/chains/placements/", {"per_page": 100})

    assert set(chain_page.context["page"].object_list) == named(world, chains)
    assert set(placement_page.context["page"].object_list) == named(world, placements)


@pytest.mark.parametrize("role", list(VISIBLE_CHAINS))
def test_chain_pages_are_found_only_within_scope(world, client_as, role):
    client = client_as(getattr(world.users, role))
    chains = VISIBLE_CHAINS[role]

    for name, segment in [("chain", world.s_ab), ("dchain", world.s_trial)]:
        pk = getattr(world, name).pk
        expected = 200 if name in chains else 404
        for url in [
            f"/chains/{pk}/",
            f"/chains/{pk}/map/",
            f"/chains/{pk}/map/?format=json",
            f"/chains/{pk}/gaps/",
            f"/chains/segments/{segment.pk}/",
        ]:
            assert client.get(url).status_code == expected, url


def test_the_chain_page_shows_the_tree_owners_and_carriers(world, client_as):
    response = client_as(world.users.office).get(f"/chains/{world.chain.pk}/")

    assert [p.organization for p in response.context["owners"]] == [world.nfs]
    assert [p.organization for p in response.context["carriers"]] == [world.hospital]
    assert response.context["can_edit"] is True
    assert list(response.context["below"]) == []  # the district chain is not the office's


def test_a_handler_sees_the_chain_but_may_not_edit_it(world, client_as):
    response = client_as(world.users.handler).get(f"/chains/{world.chain.pk}/")

    assert response.context["can_edit"] is False
    assert [(c, c.placed) for c in response.context["below"]] == [(world.dchain, 1)]
    assert f'href="/chains/{world.chain.pk}/edit/"' not in response.content.decode()


def test_the_map_json_is_the_map_data(world, client_as):
    response = client_as(world.users.office).get(f"/chains/{world.chain.pk}/map/", {"format": "json"})

    assert response.json() == json.loads(json.dumps(services.map_data(world.chain), default=str))
    assert response.json()["value"] == 5


def test_the_map_page_embeds_the_data_and_links_to_the_enterprises(world, client_as):
    client = client_as(world.users.office)

    page = client.get(f"/chains/{world.chain.pk}/map/")

    html = page.content.decode()
    assert '<script id="chain-map-data" type="application/json">' in html
    assert f'data-url-base="/registry/organizations/?chain={world.chain.pk}&segment="' in html
    # a click on a segment opens the list of its enterprises
    listed = client.get("/registry/organizations/", {"chain": world.chain.pk, "segment": world.s_ab.pk})
    assert set(listed.context["page"].object_list) == {world.nfs, world.wz}


def test_the_gap_page_lists_the_gaps_with_their_reasons(world, client_as):
    response = client_as(world.users.specialist).get(f"/chains/{world.chain.pk}/gaps/")

    assert [(g["segment"], [str(r) for r in g["reasons"]]) for g in response.context["gaps"]] == [
        (world.s_raw, ["no enterprise"]),
        (world.s_cgt, ["a single enterprise"]),
        (world.s_svc, ["import-dependent"]),
    ]
    assert '<td>1 <span class="small">(明湖市第一人民医院)</span></td>' in response.content.decode()


def test_the_segment_page_lists_its_enterprises(world, client_as):
    response = client_as(world.users.office).get(f"/chains/segments/{world.s_ab.pk}/")

    assert response.context["count"] == 2
    assert [(p.organization, p.role) for p in response.context["placements"]] == [
        (world.wz, "backbone"),
        (world.nfs, "owner"),
    ]


def test_the_placement_list_searches_by_organisation(world, client_as):
    response = client_as(world.users.office).get("/chains/placements/", {"q": "whnfs"})

    assert set(response.context["page"].object_list) == {world.pl_ab_nfs, world.pl_svc_nfs}


# --- forms ------------------------------------------------------------------------------------------------


def test_office_adds_a_segment_to_its_chain(world, client_as):
    response = client_as(world.users.office).post(
        "/chains/segments/add/",
        {
            "chain": world.chain.pk,
            "parent": world.s_bio.pk,
            "name": "疫苗",
            "stage": "midstream",
            "position": 3,
        },
    )

    segment = Segment.objects.get(name="疫苗")
    assert response.status_code == 302
    assert (segment.chain, segment.parent) == (world.chain, world.s_bio)


def test_a_segment_under_a_parent_of_another_chain_is_refused_at_the_field(world, client_as):
    # given an admin, who may change both chains
    before = snapshot()

    response = client_as(world.users.admin).post(
        "/chains/segments/add/",
        {
            "chain": world.chain.pk,
            "parent": world.s_trial.pk,
            "name": "错挂环节",
            "stage": "midstream",
            "position": 0,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"parent": ["The parent segment belongs to another chain."]}
    assert snapshot() == before


def test_office_cannot_add_a_segment_to_a_chain_it_does_not_staff(world, client_as):
    before = snapshot()

    response = client_as(world.users.office).post(
        "/chains/segments/add/",
        {"chain": world.dchain.pk, "name": "新环节", "stage": "midstream", "position": 0},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["chain"]
    assert snapshot() == before


def test_placing_a_bank_is_refused_at_the_field(world, client_as):
    before = snapshot()

    response = client_as(world.users.office).post(
        "/chains/placements/add/",
        {"segment": world.s_raw.pk, "organization": world.bank.pk, "role": "supporting"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "organization": ["Only enterprises, hospitals and institutes are placed on a chain."]
    }
    assert snapshot() == before


def test_office_places_an_enterprise(world, client_as):
    response = client_as(world.users.office).post(
        "/chains/placements/add/",
        {"segment": world.s_raw.pk, "organization": world.wz.uscc, "role": "backbone"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/chains/segments/{world.s_raw.pk}/"
    placement = Placement.objects.get(segment=world.s_raw)
    assert (placement.organization, placement.chain, placement.role) == (world.wz, world.chain, "backbone")


@pytest.mark.parametrize("role", ["handler", "specialist", "enterprise", "partner"])
def test_who_may_not_change_chains_cannot_open_their_forms(world, client_as, role):
    client = client_as(getattr(world.users, role))
    before = snapshot()

    assert client.get("/chains/add/").status_code == 403
    assert client.get("/chains/segments/add/").status_code == 403
    assert client.get("/chains/placements/add/").status_code == 403
    assert (
        client.post(
            "/chains/placements/add/",
            {"segment": world.s_raw.pk, "organization": world.wz.pk, "role": "supporting"},
        ).status_code
        == 403
    )
    expected = 403 if role in {"handler", "specialist"} else 404  # staff see the chain; others do not
    assert client.get(f"/chains/{world.chain.pk}/edit/").status_code == expected
    assert (
        client.post(f"/chains/{world.chain.pk}/edit/", {"name": "改名", "level": "city"}).status_code
        == expected
    )
    assert client.get(f"/chains/segments/{world.s_ab.pk}/edit/").status_code == expected
    assert snapshot() == before


def test_office_cannot_open_a_chain_it_does_not_staff(world, client_as):
    client = client_as(world.users.office)
    before = snapshot()

    assert client.get(f"/chains/{world.dchain.pk}/edit/").status_code == 404
    assert (
        client.post(f"/chains/{world.dchain.pk}/edit/", {"name": "改名", "level": "city"}).status_code == 404
    )
    assert client.get(f"/chains/segments/{world.s_trial.pk}/edit/").status_code == 404
    assert snapshot() == before


def test_the_office_opens_a_chain_and_stays_among_its_staff(world, client_as):
    client = client_as(world.users.office)

    form = client.get("/chains/add/")
    response = client.post("/chains/add/", {"name": "高端医疗器械产业链", "level": "city"})

    assert form.status_code == 200
    assert "/chains/add/" in client.get("/chains/").content.decode()
    chain = Chain.objects.get(name="高端医疗器械产业链")
    assert response.status_code == 302
    assert list(chain.staff.all()) == [world.users.office]


def test_office_edits_its_own_chain(world, client_as):
    response = client_as(world.users.office).post(
        f"/chains/{world.chain.pk}/edit/",
        {
            "name": world.chain.name,
            "level": "city",
            "description": "全市重点产业链",
            "staff": [world.users.office.pk],
        },
    )

    assert response.status_code == 302
    world.chain.refresh_from_db()
    assert world.chain.description == "全市重点产业链"
    assert world.chain.history.first().history_user == world.users.office
