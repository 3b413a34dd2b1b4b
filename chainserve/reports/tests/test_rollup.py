"""A region node's figures equal the sum of its children's (reports.rollup), its rates computed over the union."""

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
