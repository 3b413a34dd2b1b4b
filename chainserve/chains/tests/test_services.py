"""Chain analysis — segment_stats, segment_tree, map_data, gaps — and place()."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainserve.chains import services
from chainserve.chains.choices import PlacementRole, Stage
from chainserve.chains.models import Placement, Segment
from chainserve.chains.services import SegmentStats
from chainserve.chains.tests.factories import PlacementFactory, SegmentFactory


def test_segment_stats_count_each_segment_of_the_chain(world):
    stats = services.segment_stats(world.chain)

    assert stats == {
        # 纽福斯 (链主, listed) and 温州康宁 (backbone): strength 5 + 3
        world.s_ab.pk: SegmentStats(count=2, owners=1, backbone=1, listed=1, strength=8, only=""),
        # one hospital as innovation carrier: strength 2, and its name
        world.s_cgt.pk: SegmentStats(
            count=1, owners=0, backbone=0, listed=0, strength=2, only="明湖市第一人民医院"
        ),
        # two supporting firms
        world.s_svc.pk: SegmentStats(count=2, owners=0, backbone=0, listed=1, strength=2, only=""),
    }


def test_segment_stats_of_another_chain(world):
    assert services.segment_stats(world.dchain) == {
        world.s_trial.pk: SegmentStats(
            count=1, owners=0, backbone=0, listed=0, strength=1, only="溫州康寧醫藥有限公司"
        ),
    }


def test_segment_tree_nests_segments_under_their_stage_and_parent(world):
    tree = services.segment_tree(world.chain)

    def shape(node):
        return (
            node["segment"].name,
            node["stats"].count,
            node["total"],
            [shape(c) for c in node["children"]],
        )

    assert [(stage, [shape(n) for n in nodes]) for stage, nodes in tree] == [
        (Stage.UPSTREAM, [("原料药", 0, 0, [])]),
        (Stage.MIDSTREAM, [("生物药", 0, 3, [("抗体药物", 2, 2, []), ("细胞与基因治疗", 1, 1, [])])]),
        (Stage.DOWNSTREAM, [("医疗服务", 2, 2, [])]),
    ]


def test_map_data_is_the_echarts_tree_with_counts_and_strength(world):
    data = services.map_data(world.chain)

    def leaf(seg, count, owners, listed, strength, level, children=(), leads=0):
        return {
            "name": seg.name,
            "value": count + sum(c["value"] for c in children),
            "id": seg.pk,
            "count": count,
            "owners": owners,
            "listed": listed,
            "strength": strength,
            "level": level,
            "importDependent": seg.import_dependent,
            "leads": leads,
            "children": list(children),
        }

    ab = leaf(world.s_ab, 2, 1, 1, 8, 3)  # a chain owner: strong
    cgt = leaf(world.s_cgt, 1, 0, 0, 2, 1)  # a single firm: weak
    assert data == {
        "name": "明湖市大健康产业链",
        "value": 5,
        "children": [
            {
                "name": "Upstream",
                "value": 0,
                "stage": "upstream",
                "children": [leaf(world.s_raw, 0, 0, 0, 0, 0)],
            },
            {
                "name": "Midstream",
                "value": 3,
                "stage": "midstream",
                "children": [leaf(world.s_bio, 0, 0, 0, 0, 3, [ab, cgt])],
            },  # a heading takes its strongest leaf
            {
                "name": "Downstream",
                "value": 2,
                "stage": "downstream",
                "children": [leaf(world.s_svc, 2, 0, 1, 2, 1)],
            },  # two supporting firms: still weak
        ],
    }


@pytest.mark.parametrize(
    ("roles", "level"),
    [
        ([], 0),
        ([PlacementRole.BACKBONE], 1),  # one firm is weak whatever it is
        ([PlacementRole.SUPPORTING] * 3, 1),  # strength 3 < 4
        ([PlacementRole.SUPPORTING] * 4, 2),
        ([PlacementRole.BACKBONE, PlacementRole.SUPPORTING], 2),
        ([PlacementRole.CHAIN_OWNER, PlacementRole.SUPPORTING], 3),
        ([PlacementRole.BACKBONE] * 5, 3),  # strength 15
    ],
)
def test_map_levels_grade_a_segment_from_gap_to_strong(world, roles, level):
    segment = SegmentFactory(chain=world.chain, name="新环节", stage=Stage.UPSTREAM, position=9)
    for role in roles:
        PlacementFactory(segment=segment, role=role)

    upstream = services.map_data(world.chain)["children"][0]["children"]

    assert [(n["name"], n["level"]) for n in upstream] == [("原料药", 0), ("新环节", level)]


def test_gaps_list_empty_single_and_import_dependent_segments(world):
    rows = services.gaps(world.chain)

    assert [(g["segment"], g["stats"].count, [str(r) for r in g["reasons"]]) for g in rows] == [
        (world.s_raw, 0, ["no enterprise"]),
        (world.s_cgt, 1, ["a single enterprise"]),
        (world.s_svc, 2, ["import-dependent"]),
    ]


def test_gaps_give_both_reasons_and_flag_an_import_dependent_heading(world):
    # given the heading 生物药 is import-dependent and 原料药 too
    Segment.objects.filter(pk__in=[world.s_bio.pk, world.s_raw.pk]).update(import_dependent=True)

    rows = services.gaps(world.chain)

    assert [(g["segment"], [str(r) for r in g["reasons"]]) for g in rows] == [
        (world.s_raw, ["no enterprise", "import-dependent"]),
        (world.s_bio, ["no enterprise", "import-dependent"]),
        (world.s_cgt, ["a single enterprise"]),
        (world.s_svc, ["import-dependent"]),
    ]


def test_a_chain_without_gaps(world):
    # given every leaf of the district chain has two firms and none is import-dependent
    PlacementFactory(segment=world.s_trial, organization=world.nfs)

    assert services.gaps(world.dchain) == []


def test_place_puts_an_enterprise_on_a_segment_of_the_users_chain(world):
    placement = Placement(segment=world.s_raw, organization=world.wz, role=PlacementRole.SUPPORTING)

    services.place(world.users.office, placement)

    placement.refresh_from_db()
    assert (placement.chain, placement.segment, placement.organization) == (
        world.chain,
        world.s_raw,
        world.wz,
    )
    assert placement.history.get().history_user == world.users.office


@pytest.mark.parametrize("org", ["bank", "dept", "park"])
def test_place_refuses_an_organisation_that_is_not_placed_on_chains(world, org):
    count = Placement.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.place(world.users.office, Placement(segment=world.s_raw, organization=getattr(world, org)))

    assert raised.value.message_dict == {
        "organization": ["Only enterprises, hospitals and institutes are placed on a chain."]
    }
    assert Placement.objects.count() == count


def test_place_refuses_the_same_organisation_twice_on_a_segment(world):
    count = Placement.objects.count()

    with pytest.raises(ValidationError) as raised:
        services.place(world.users.office, Placement(segment=world.s_ab, organization=world.nfs))

    assert raised.value.messages == ["This organisation is already placed on this segment."]
    assert Placement.objects.count() == count


@pytest.mark.parametrize("role", ["office", "handler", "specialist", "enterprise"])
def test_place_refuses_a_chain_outside_the_users_scope(world, role):
    # given the district chain, which none of these users may change
    count = Placement.objects.count()

    with pytest.raises(PermissionDenied):
        services.place(getattr(world.users, role), Placement(segment=world.s_trial, organization=world.nfs))

    assert Placement.objects.count() == count


def test_a_segment_parent_in_another_chain_is_refused(world):
    segment = Segment(chain=world.chain, parent=world.s_trial, name="错挂环节", stage=Stage.MIDSTREAM)

    with pytest.raises(ValidationError) as raised:
        segment.full_clean()

    assert raised.value.message_dict == {"parent": ["The parent segment belongs to another chain."]}


def test_a_segment_cannot_sit_under_itself(world):
    world.s_bio.parent = world.s_ab

    with pytest.raises(ValidationError) as raised:
        world.s_bio.full_clean()

    assert raised.value.message_dict == {"parent": ["A segment cannot sit under itself."]}
