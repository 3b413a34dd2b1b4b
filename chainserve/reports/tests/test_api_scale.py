"""Industry scale (产业规模) through the API, as on its page: the chain office enters its chains' and the city's figure,
exactly in fen; others may not; a second figure for the same chain and year is a 400 naming it."""

import pytest

from chainserve.reports.models import IndustryScale


def test_the_office_enters_its_chain_s_scale_in_fen(world, api_as):
    office = api_as(world.users.office)

    answer = office.post("/api/v1/industry-scales/", {"chain": world.chain.pk, "year": 2025,
                                                      "amount_fen": 8_125_000_000_000, "source": "统计局年鉴"},
                         format="json")

    assert answer.status_code == 201, answer.content
    scale = IndustryScale.objects.get()
    assert (scale.chain, scale.year, scale.amount_fen, scale.source) == (world.chain, 2025, 8_125_000_000_000,
                                                                         "统计局年鉴")
    assert [row["id"] for row in office.get("/api/v1/industry-scales/?year=2025").json()["results"]] == [scale.pk]


@pytest.mark.parametrize("role", ["specialist", "handler", "enterprise", "partner"])
def test_who_may_not_enter_figures_enters_none(world, api_as, role):
    answer = api_as(getattr(world.users, role)).post("/api/v1/industry-scales/", {
        "chain": world.chain.pk, "year": 2025, "amount_fen": 1, "source": "x"}, format="json")

    assert answer.status_code == 403
    assert IndustryScale.objects.count() == 0


def test_a_second_figure_for_the_year_or_a_negative_one_is_a_400(world, api_as):
    office = api_as(world.users.office)
    IndustryScale.objects.create(chain=world.chain, year=2025, amount_fen=1, source="统计局")

    again = office.post("/api/v1/industry-scales/", {"chain": world.chain.pk, "year": 2025, "amount_fen": 2,
                                                     "source": "x"}, format="json")
    negative = office.post("/api/v1/industry-scales/", {"year": 2024, "amount_fen": -1, "source": "x"},
                           format="json")

    assert again.status_code == negative.status_code == 400
    assert again.json() == {"non_field_errors": ["This chain already has its scale for this year."]}
    assert negative.json() == {"non_field_errors": ["The amount cannot be negative."]}
    assert list(IndustryScale.objects.values_list("year", "amount_fen")) == [(2025, 1)]
