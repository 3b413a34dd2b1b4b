"""The organisation list, as a page and as /api/v1/organizations/: search, filters, sorting, pages, export."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from chainserve.registry.choices import OrgKind
from chainserve.registry.tables import OrganizationTable
from chainserve.registry.tests.factories import OrganizationFactory

PAGE = "/registry/organizations/"
API = "/api/v1/organizations/"


@pytest.fixture
def listed(world, client_as, api_as):
    """listed(via, params, user=admin): the names the page or the API lists, in order."""

    def fetch(via, params, user=None):
        user = user or world.users.admin
        if via == "page":
            response = client_as(user).get(PAGE, params)
            assert response.status_code == 200
            return [o.name for o in response.context["page"].object_list]
        response = api_as(user).get(API, params)
        assert response.status_code == 200, response.content
        return [r["name"] for r in response.json()["results"]]

    return fetch


VIA = pytest.mark.parametrize("via", ["page", "api"])


@VIA
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("纽福斯", {"武汉纽福斯生物科技有限公司"}),  # simplified, as stored
        ("紐福斯", {"武汉纽福斯生物科技有限公司"}),  # traditional query, simplified record
        ("温州康宁", {"溫州康寧醫藥有限公司"}),  # simplified query, traditional record
        ("溫州", {"溫州康寧醫藥有限公司"}),
        ("whnfs", {"武汉纽福斯生物科技有限公司"}),  # pinyin initials
        ("WZKN", {"溫州康寧醫藥有限公司"}),  # initials, any case
        ("wuhanniufusi", {"武汉纽福斯生物科技有限公司"}),  # full pinyin
        ("nfs", {"武汉纽福斯生物科技有限公司"}),  # initials of the short name
        ("91420100ma00000012", {"武汉纽福斯生物科技有限公司"}),  # credit code
        ("明湖", {"明湖农商银行", "明湖市经济和信息化局", "明湖市第一人民医院"}),
        ("明湖 银行", {"明湖农商银行"}),  # every term must match
        ("不存在的名字", set()),
    ],
)
def test_search_finds_by_characters_of_either_script_and_by_pinyin(listed, via, q, expected):
    assert set(listed(via, {"q": q})) == expected


@VIA
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "enterprise"}, {"nfs", "wz"}),
        ({"kind": ["enterprise", "hospital"]}, {"nfs", "wz", "hospital"}),
        ({"district": "dong"}, {"park", "nfs", "bank"}),
        ({"park": "park"}, {"nfs"}),
        ({"label": "hitech"}, {"nfs", "wz"}),
        ({"label": ["hitech", "srdi"]}, {"nfs"}),  # labels are conjoined: all of them
        ({"listing_status": "listed"}, {"nfs"}),
        ({"listing_status": ["listed", "reserve"]}, {"nfs", "wz"}),
        ({"chain": "chain"}, {"nfs", "wz", "hospital"}),
        ({"chain": "dchain"}, {"wz"}),
        ({"segment": "s_ab"}, {"nfs", "wz"}),
        ({"segment": "s_cgt"}, {"hospital"}),
        ({"segment": "s_raw"}, set()),
        ({"kind": "enterprise", "district": "xi"}, {"wz"}),
        ({"q": "明湖", "district": "xi"}, {"hospital"}),
        ({"chain": "chain", "kind": "enterprise", "label": "srdi"}, {"nfs"}),
    ],
)
def test_filters_narrow_the_list(world, listed, via, params, expected):
    # given the filter values named after the world's records
    def resolve(key, value):
        if key in {"district", "park", "chain", "segment"}:
            return getattr(world, value).pk
        return value

    query = {
        k: [resolve(k, x) for x in v] if isinstance(v, list) else resolve(k, v) for k, v in params.items()
    }

    # when / then
    assert set(listed(via, query)) == {getattr(world, name).name for name in expected}


@VIA
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("employees", ["溫州康寧醫藥有限公司", "武汉纽福斯生物科技有限公司"]),
        ("-employees", ["武汉纽福斯生物科技有限公司", "溫州康寧醫藥有限公司"]),
        ("founded_on", ["武汉纽福斯生物科技有限公司", "溫州康寧醫藥有限公司"]),
        ("-founded_on", ["溫州康寧醫藥有限公司", "武汉纽福斯生物科技有限公司"]),
    ],
)
def test_sort_by_a_column(listed, via, sort, expected):
    key = "sort" if via == "page" else "ordering"
    assert listed(via, {"kind": "enterprise", key: sort}) == expected


@VIA
def test_sort_by_name_both_ways(listed, via):
    # given three organisations with Latin names (ordered the same under every collation)
    for name in ["Gamma Bio", "Alpha Bio", "Beta Bio"]:
        OrganizationFactory(name=name, kind=OrgKind.ASSOCIATION)
    key = "sort" if via == "page" else "ordering"

    assert listed(via, {"q": "bio"}) == ["Alpha Bio", "Beta Bio", "Gamma Bio"]
    assert listed(via, {"q": "bio", key: "name"}) == ["Alpha Bio", "Beta Bio", "Gamma Bio"]
    assert listed(via, {"q": "bio", key: "-name"}) == ["Gamma Bio", "Beta Bio", "Alpha Bio"]


def test_the_page_ignores_a_sort_it_does_not_offer(listed):
    for name in ["Gamma Bio", "Alpha Bio"]:
        OrganizationFactory(name=name, kind=OrgKind.ASSOCIATION)

    assert listed("page", {"q": "bio", "sort": "-search_text"}) == ["Alpha Bio", "Gamma Bio"]


def test_the_page_paginates_25_50_or_100_rows(world, client_as):
    # given 30 associations
    OrganizationFactory.create_batch(30, kind=OrgKind.ASSOCIATION)
    client = client_as(world.users.admin)

    # when / then
    first = client.get(PAGE, {"kind": "association"})
    assert first.context["page"].paginator.count == 30
    assert len(first.context["page"].object_list) == 25
    second = client.get(PAGE, {"kind": "association", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert {o.pk for o in first.context["page"]}.isdisjoint({o.pk for o in second.context["page"]})
    assert len(client.get(PAGE, {"kind": "association", "per_page": 50}).context["page"].object_list) == 30
    # a size not offered falls back to 25; a page past the end shows the last one
    assert len(client.get(PAGE, {"kind": "association", "per_page": 7}).context["page"].object_list) == 25
    assert client.get(PAGE, {"kind": "association", "page": 99}).context["page"].number == 2


def test_the_api_paginates_with_limit_and_offset(world, api_as):
    OrganizationFactory.create_batch(30, kind=OrgKind.ASSOCIATION)
    api = api_as(world.users.admin)

    body = api.get(API, {"kind": "association", "limit": 20, "offset": 20}).json()

    assert body["count"] == 30
    assert len(body["results"]) == 10
    assert body["next"] is None
    assert body["previous"].endswith("kind=association&limit=20")


def test_export_to_excel_has_the_columns_and_the_filtered_rows(world, client_as):
    # when the filtered list is exported
    response = client_as(world.users.office).get(
        PAGE, {"kind": "enterprise", "sort": "-employees", "export": "xlsx"}
    )

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="organizations.xlsx"'
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [c.name for c in OrganizationTable.columns] == [
        "name",
        "kind",
        "uscc",
        "district",
        "park",
        "listing_status",
        "labels",
        "employees",
        "founded_on",
    ]
    assert rows == [
        tuple(str(c.label) for c in OrganizationTable.columns),
        (
            "武汉纽福斯生物科技有限公司",
            "Enterprise",
            "91420100MA00000012",
            "东湖区",
            "光谷生物城",
            "Listed",
            "高新技术企业、专精特新",
            120,
            "2016-03-18",
        ),
        (
            "溫州康寧醫藥有限公司",
            "Enterprise",
            "91420100MA00000025",
            "西湖区",
            None,
            "Reserve-listed",
            "高新技术企业",
            30,
            "2020-05-01",
        ),
    ]


def test_export_writes_a_formula_like_name_as_text(world, client_as):
    # given an organisation whose name a spreadsheet would run as a formula
    OrganizationFactory(name='=HYPERLINK("http://evil.example","x")', kind=OrgKind.ASSOCIATION)

    # when
    response = client_as(world.users.admin).get(PAGE, {"q": "hyperlink", "export": "xlsx"})

    # then the cell is text starting with an apostrophe, not a formula
    sheet = load_workbook(BytesIO(response.content)).active
    cell = sheet["A2"]
    assert cell.value == '\'=HYPERLINK("http://evil.example","x")'
    assert cell.data_type == "s"
    assert sheet.max_row == 2


def test_export_holds_only_what_the_user_may_see(world, client_as):
    response = client_as(world.users.enterprise).get(PAGE, {"export": "xlsx"})

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["武汉纽福斯生物科技有限公司"]


@VIA
def test_filtering_by_a_chain_the_user_cannot_see_reveals_nothing(world, client_as, api_as, via):
    # given the office user, who is not staff of the district chain
    office = world.users.office
    params = {"chain": world.dchain.pk}

    # when / then: no organisation on that chain is listed
    if via == "page":
        response = client_as(office).get(PAGE, params)
        assert response.status_code == 200
        assert list(response.context["page"].object_list) == []
    else:
        response = api_as(office).get(API, params)
        # refused as a choice that does not exist, as for a made-up id
        assert response.status_code == 400
        assert response.json() == {
            "chain": ["Select a valid choice. That choice is not one of the available choices."]
        }
        assert api_as(office).get(API, {"chain": 999999}).json() == response.json()
    assert world.wz.name not in response.content.decode()


@VIA
def test_filtering_by_a_segment_of_a_chain_the_user_cannot_see_reveals_nothing(world, client_as, api_as, via):
    office = world.users.office
    params = {"segment": world.s_trial.pk}

    if via == "page":
        response = client_as(office).get(PAGE, params)
        assert list(response.context["page"].object_list) == []
    else:
        response = api_as(office).get(API, params)
        # refused as a choice that does not exist, as for a made-up id
        assert response.status_code == 400
        assert response.json() == {
            "segment": ["Select a valid choice. That choice is not one of the available choices."]
        }
    assert world.wz.name not in response.content.decode()


def test_partner_filtering_by_any_chain_sees_nothing(world, client_as):
    response = client_as(world.users.partner).get(PAGE, {"chain": world.chain.pk})

    assert list(response.context["page"].object_list) == []
