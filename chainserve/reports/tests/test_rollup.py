"""A region node's figures equal the sum of its children's (reports.rollup), its rates computed over the union."""

import re

from chainserve.core.models import Region, RegionLevel
from chainserve.reports.figures import Period
from chainserve.reports.rollup import ADDITIVE, rollup

YEAR = Period.year(2026)


def test_a_city_s_counts_are_the_sum_of_its_districts_and_its_rates_those_of_the_union(year):
    city = year.world.dong.parent

    got = rollup(YEAR, city, user=year.users.admin)

    assert [child for child, _values in got.children] == [year.world.dong, year.world.xi]
    assert {key: got.node[key] for key in ADDITIVE} == {key: got.sum_of_children(key) for key in ADDITIVE}
    assert got.node["demands_received"] > 0
    # over the union: between the districts' own rates, weighted by their demands — not their plain average
    rates = [values["response_rate"] for _child, values in got.children if values["response_rate"] is not None]
    assert min(rates) <= got.node["response_rate"] <= max(rates)


def rows(page):
    """{region name: {figure key: shown value}} of the table of the regions below (下级地区) on a page."""
    table = re.search(r' id="children">(.*?)</table>', page, re.S)
    if table is None:
        return None
    found = {}
    for name, cells in re.findall(r'<tr[^>]* data-region="\d+">\s*<th scope="row"[^>]*><a [^>]*>([^<]*)</a></th>(.*?)</tr>',
                                  table.group(1), re.S):
        found[name] = dict(re.findall(r'data-child-figure="(\w+)">([^<]*)</td>', cells))
    return found


def test_a_city_s_dashboard_bulletin_and_api_list_its_districts_their_counts_summing_to_the_city_s(
        year, client_as, api_as):
    city, office = year.world.dong.parent, year.users.office
    office.region = city
    office.save()

    dashboard = client_as(office).get("/reports/dashboard/?year=2026")  # no region chosen: the office's own
    bulletin = client_as(office).get(f"/reports/?year=2026&region={city.pk}")
    api = api_as(office).get(f"/api/v1/bulletins/compute/?start=2026-01-01&end=2026-12-31&region={city.pk}")

    expected = {"东湖区": {"demands_received": "4", "demands_resolved": "2", "response_rate": "100.0%",
                          "resolution_rate": "66.7%", "satisfaction_rate": "66.7%"},
                "西湖区": {"demands_received": "1", "demands_resolved": "0", "response_rate": "0.0%",
                          "resolution_rate": "—", "satisfaction_rate": "—"}}
    assert client_as(office).get("/reports/dashboard/").context["form"].cleaned_data["district"] == city
    assert rows(dashboard.content.decode()) == expected
    assert rows(bulletin.content.decode()) == expected
    assert f'href="?year=2026&amp;district={year.world.dong.pk}">东湖区</a>' in dashboard.content.decode()
    figures = {f["key"]: f["value"] for f in api.json()["figures"]}
    children = {c["name"]: {f["key"]: f["value"] for f in c["figures"]} for c in api.json()["children"]}
    assert list(children) == ["东湖区", "西湖区"]
    for key in ("demands_received", "demands_resolved", "demands_unresolved", "demands_open"):
        assert figures[key] == sum(c[key] for c in children.values())
    # the city's rates are over the union of its districts' demands (4 of 5 answered: 80.0%), not the average
    # of the districts' rates (100.0% and 0.0%: 50.0%)
    assert figures["response_rate"] == 80.0
    assert [c["response_rate"] for c in children.values()] == [100.0, 0.0]
    assert 'data-figure="response_rate">80.0%</a>' in dashboard.content.decode()


def test_a_user_of_one_city_cannot_ask_for_another_city_s_region(year, client_as, api_as):
    city, office = year.world.dong.parent, year.users.office
    other = Region.objects.create(code="420200", name="青川市", level=RegionLevel.CITY, parent=city.parent)
    office.region = city
    office.save()

    page = client_as(office).get(f"/reports/dashboard/?year=2026&region={other.pk}")
    api = api_as(office).get(f"/api/v1/bulletins/compute/?start=2026-01-01&end=2026-12-31&region={other.pk}")

    assert page.status_code == 400
    assert rows(page.content.decode()) is None and "report" not in page.context
    assert api.status_code == 400 and list(api.json()) == ["region"]
    # a province's page, for a user of the whole platform, lists its cities
    admin = client_as(year.users.admin).get(f"/reports/dashboard/?year=2026&region={city.parent.pk}")
    assert list(rows(admin.content.decode())) == ["明湖市", "青川市"]
    assert rows(admin.content.decode())["青川市"]["demands_received"] == "0"
