"""Every figure of the bulletin over the known year, exactly; and each figure's records are what it counts."""

import datetime

from chainserve.demands.models import Category
from chainserve.reports.figures import COUNT, FIGURES, Period, Scope, compute_all

YEAR = Period.year(2026)


def values(report):
    return {v.figure.key: v.value for v in report.values}


def cat(slug):
    return str(Category.objects.get(slug=slug).pk)


CITY = {
    "meetings_held": 3,
    "activities_held": 5,
    "visits": 3,
    "activities_by_kind": {"hospital": 2, "bank": 1, "party_day": 1, "forum": 1, "training": 0, "signing": 0,
                           "symposium": 0},
    "agreements_credit_n": 3, "agreements_credit_institutions": 2, "agreements_credit_fen": 682_000_000_000,
    "agreements_cooperation_n": 1, "agreements_cooperation_institutions": 1, "agreements_cooperation_fen": 0,
    "agreements_investment_n": 1, "agreements_investment_institutions": 1, "agreements_investment_fen": 15_000_000_000,
    "demands_received": 5, "demands_resolved": 2, "demands_unresolved": 1, "demands_open": 2,
    "response_rate": 80.0, "resolution_rate": 66.7, "satisfaction_rate": 66.7, "avg_working_days": 6.0,
    "enterprises": 3, "listed": 1, "reserve_listed": 1, "hitech": 3, "srdi": 1,
    "class1_drugs_approved": 1,
    "products_by_phase": {"phase1": 1, "phase2": 1, "phase3": 1, "nda": 0},
    "industry_scale": 66_000_000_000_000,
    "leads_signed": 2, "leads_landed": 1, "leads_landed_amount": 25_000_000_000,
    "pairings": 2, "agency_branches": 2, "instructors": 2,
    "coverage_party_org": 66.67, "coverage_party_work": 33.33, "coverage_two_coverages": 33.33,
    "coverage_union": 33.33, "coverage_youth_league": 0.0,
}


def test_every_figure_of_the_city_year(year):
    got = values(compute_all(YEAR, Scope(user=year.users.admin)))
    expected = dict(CITY, demands_received_by_category={cat("policy"): 3, cat("financing"): 1, cat("site"): 1},
                    demands_resolved_by_category={cat("policy"): 1, cat("financing"): 1, cat("site"): 0})
    assert got == expected
    assert set(got) == set(FIGURES)


def test_every_figure_of_the_city_chain_seen_by_its_office(year):
    got = values(compute_all(YEAR, Scope(user=year.users.office, chain=year.chain)))
    assert got == dict(
        CITY, activities_held=4, visits=2,
        activities_by_kind={"hospital": 2, "bank": 1, "party_day": 1, "forum": 0, "training": 0, "signing": 0,
                            "symposium": 0},
        agreements_investment_n=0, agreements_investment_institutions=0, agreements_investment_fen=0,
        enterprises=2, hitech=2, industry_scale=8_200_000_000_000,
        coverage_party_org=100.0, coverage_party_work=50.0, coverage_two_coverages=50.0, coverage_union=50.0,
        demands_received_by_category={cat("policy"): 3, cat("financing"): 1, cat("site"): 1},
        demands_resolved_by_category={cat("policy"): 1, cat("financing"): 1, cat("site"): 0})


def test_every_figure_of_a_district(year):
    got = values(compute_all(YEAR, Scope(user=year.users.admin, district=year.world.xi)))
    assert got == {
        "meetings_held": 0, "activities_held": 1, "visits": 0,
        "activities_by_kind": {"hospital": 0, "bank": 0, "party_day": 0, "forum": 1, "training": 0, "signing": 0,
                               "symposium": 0},
        "agreements_credit_n": 0, "agreements_credit_institutions": 0, "agreements_credit_fen": 0,
        "agreements_cooperation_n": 0, "agreements_cooperation_institutions": 0, "agreements_cooperation_fen": 0,
        "agreements_investment_n": 1, "agreements_investment_institutions": 1,
        "agreements_investment_fen": 15_000_000_000,
        "demands_received": 1, "demands_resolved": 0, "demands_unresolved": 0, "demands_open": 1,
        "response_rate": 0.0, "resolution_rate": None, "satisfaction_rate": None, "avg_working_days": None,
        "demands_received_by_category": {cat("policy"): 1}, "demands_resolved_by_category": {cat("policy"): 0},
        "enterprises": 1, "listed": 0, "reserve_listed": 1, "hitech": 1, "srdi": 0,
        "class1_drugs_approved": 0, "products_by_phase": {"phase1": 1, "phase2": 1, "phase3": 0, "nda": 0},
        "industry_scale": None,
        "leads_signed": None, "leads_landed": None, "leads_landed_amount": None,
        "pairings": 1, "agency_branches": 1, "instructors": 1,
        "coverage_party_org": 100.0, "coverage_party_work": 0.0, "coverage_two_coverages": 0.0,
        "coverage_union": 0.0, "coverage_youth_league": 0.0,
    }


def test_a_quarter_and_a_range(year):
    q2 = values(compute_all(Period.quarter(2026, 2), Scope(user=year.users.admin)))
    assert (q2["meetings_held"], q2["activities_held"], q2["demands_received"], q2["demands_resolved"],
            q2["agreements_credit_n"], q2["agreements_credit_fen"], q2["class1_drugs_approved"]) == \
        (1, 2, 3, 0, 2, 232_000_000_000, 1)
    days = values(compute_all(Period(datetime.date(2026, 2, 1), datetime.date(2026, 3, 10)),
                              Scope(user=year.users.admin)))
    assert (days["meetings_held"], days["demands_received"], days["demands_resolved"], days["avg_working_days"]) == \
        (1, 2, 2, 6.0)


def test_each_count_is_the_number_of_its_records(year):
    period, scope = YEAR, Scope(user=year.users.admin)
    report = compute_all(period, scope)
    checked = 0
    for v in report.values:
        fig = v.figure
        if fig.items is not None:
            for key, _label, n in v.items:
                assert fig.records(period, scope, key).count() == n, (fig.key, key)
                checked += 1
        elif fig.unit == COUNT and not fig.key.endswith("_institutions") and fig.key != "agency_branches":
            assert fig.records(period, scope).count() == v.value, fig.key
            checked += 1
    assert checked == 37


def test_a_handler_sees_only_the_demands_of_its_department(year):
    got = values(compute_all(YEAR, Scope(user=year.users.handler)))
    # 经信局 handled d1–d4; d5 was never dispatched.
    assert (got["demands_received"], got["demands_resolved"], got["demands_open"]) == (4, 2, 1)


def test_the_lead_paragraph_leaves_out_what_is_none_counts_in_the_singular_and_reads_amounts_in_each_language(year):
    from django.utils import translation

    from chainserve.reports.figures import lead

    march, scope = Period.month(2026, 3), Scope(user=year.users.admin)

    text, links = lead(compute_all(march, scope))
    assert text == ("In this period, the city's industry chains received 1 enterprise demand, coordinated and resolved "
                    "1 demand, response rate 100.0%, resolution rate 100.0%, satisfaction rate 100.0%; held 1 joint "
                    "meeting; 3 \"1+1\" pairings of party branches.")
    assert [link["key"] for link in links] == ["demands_received", "demands_resolved", "response_rate",
                                               "resolution_rate", "satisfaction_rate", "meetings_held", "pairings"]
    with translation.override("zh-hans"):
        assert compute_all(march, scope).summary == (
            "本期，全市产业链受理企业诉求1件，协调解决企业诉求1件，响应率100.0%，解决率100.0%，满意率100.0%；"
            "召开联席会议1场次；“1+1”结对共建3对。")
        assert compute_all(YEAR, scope).summary == (
            "本期，全市产业链受理企业诉求5件，协调解决企业诉求2件，响应率80.0%，解决率66.7%，满意率66.7%；"
            "召开联席会议3场次，举办联建活动5场次，走访企业3家次；签署授信协议3份，授信金额68.2亿元，"
            "签署投资意向协议1份；“1+1”结对共建2对；落地招商项目1个。")
        assert compute_all(Period.month(2020, 3), scope).summary == "本期暂无工作记录。"
