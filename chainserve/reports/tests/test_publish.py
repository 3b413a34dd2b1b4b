"""Publishing: text and figures frozen together, 期号 per issuing unit and year, versions with what changed, the
refusal of an unchanged bulletin, and who may publish."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from chainserve.coordination.models import Meeting
from chainserve.coordination.services import record_minutes
from chainserve.registry.tests.factories import OrganizationFactory
from chainserve.reports import services
from chainserve.reports.figures import Period, Scope, compute_all
from chainserve.reports.models import Bulletin, IssueCounter

YEAR = Period.year(2026)
LEAD = ("本期，明湖市大健康产业链受理企业诉求5件，协调解决企业诉求2件，响应率80.0%，解决率66.7%，满意率66.7%；"
        "召开联席会议3场次，举办联建活动4场次，走访企业2家次；签署授信协议3份，授信金额68.2亿元；“1+1”结对共建2对；落地招商项目1个。")


def frozen(bulletin, key):
    return next(f["value"] for f in bulletin.data["figures"] if f["key"] == key)


def chain_scope(year, user=None):
    return Scope(user=user or year.users.office, chain=year.chain)


def test_text_and_figures_are_frozen_together_and_never_change_when_records_do(year):
    v1 = services.publish(year.users.office, YEAR, chain_scope(year))
    # frozen in the platform's language, though the publisher's request was in English
    assert (v1.masthead, v1.issue_label, v1.issuer, v1.issuer_name, v1.title) == (
        "明湖市大健康产业链工作简报", "No. 1, 2026", year.world.dept, "明湖市经济和信息化局", "明湖市大健康产业链2026年工作情况")
    assert (v1.version, v1.supersedes, frozen(v1, "meetings_held"), v1.computed_at) == (1, None, 3, year.clock.now)
    assert v1.summary == LEAD
    assert [e["heading"] for e in v1.sections["activity"]] == ["联席会议", "联建活动", "走访服务"]
    assert v1.sections["activity"][2]["text"] == "走访企业2家次，覆盖企业1家，收集诉求1件。"
    assert v1.sections["activity"][0]["text"] == "召开联席会议3场次。"
    assert v1.sections["results"][0]["text"] == ("协调解决企业诉求2件，同比增长100.0%；响应率80.0%，同比下降20.0个百分点；"
                                                 "解决率66.7%，同比下降33.3个百分点；满意率66.7%，同比下降33.3个百分点。")
    assert [c["title"] for c in v1.data["charts"]] == ["各月受理和解决诉求数", "分类别受理诉求", "联建活动分类型场次"]

    # the meeting scheduled for 15 December is held after all
    record_minutes(year.meetings[3], year.users.office, "会议纪要。")
    assert compute_all(YEAR, chain_scope(year)).value("meetings_held") == 4
    again = Bulletin.objects.get(pk=v1.pk)
    assert (frozen(again, "meetings_held"), again.data, again.summary, again.sections) == \
        (3, v1.data, v1.summary, v1.sections)

    year.clock.advance(hours=1)
    v2 = services.publish(year.users.office, YEAR, chain_scope(year))
    # a new version keeps the 期号 of the first
    assert (v2.version, v2.supersedes_id, v2.issue_label, frozen(v2, "meetings_held"), v2.computed_at) == \
        (2, v1.pk, "No. 1, 2026", 4, year.clock.now)
    assert [(d.key, d.before, d.after) for d in services.differences(v2)] == [("meetings_held", "3", "4")]
    assert services.changed_text(v2) == ["Lead paragraph", "Work updates"]
    assert services.differences(v1) == [] and services.changed_text(v1) == []
    assert frozen(Bulletin.objects.get(pk=v1.pk), "meetings_held") == 3


def test_publishing_an_unchanged_bulletin_is_refused_and_writes_nothing(year):
    v1 = services.publish(year.users.office, YEAR, chain_scope(year), "2026年简报")
    year.clock.advance(hours=2)  # computed again later: the figures and the text are the same

    with pytest.raises(ValidationError) as refused:
        services.publish(year.users.office, YEAR, chain_scope(year), "2026年简报", note="再发一次")

    assert refused.value.messages == ["Nothing has changed since version 1: the figures and the text are the same, "
                                      "so there is no need to publish it again."]
    assert list(Bulletin.objects.values_list("pk", flat=True)) == [v1.pk]
    assert list(IssueCounter.objects.values_list("last", flat=True)) == [1]


def test_a_new_version_says_which_text_changed(year):
    scope = chain_scope(year)
    v1 = services.publish(year.users.office, YEAR, scope)
    demand = f"demand:{year.d2.pk}"

    v2 = services.publish(year.users.office, YEAR, scope, lead="本期产业链工作平稳推进。", cases=[(demand, "", "")])
    v3 = services.publish(year.users.office, YEAR, scope, lead="本期产业链工作平稳推进。",
                          cases=[(demand, "", "企业融资需求8个工作日内办结。")])

    assert (services.differences(v2), services.changed_text(v2)) == ([], ["Lead paragraph", "Typical cases"])
    assert (services.differences(v3), services.changed_text(v3)) == ([], ["Typical cases"])
    assert v2.cases == [{
        "ref": demand, "kind": "demand", "title": "武汉纽福斯生物科技有限公司：申请支持",
        "text": "3月2日，武汉纽福斯生物科技有限公司提出诉求：企业需要协调。明湖市经济和信息化局牵头办理，用时8个工作日办结："
                "已协调。企业评价为“基本满意”。",
        "url": f"/demands/{year.d2.pk}/"}]
    assert (v3.cases[0]["text"], v3.summary, v1.cases) == ("企业融资需求8个工作日内办结。", "本期产业链工作平稳推进。", [])
    assert [b.issue_number for b in (v1, v2, v3)] == [1, 1, 1]


def test_issues_are_numbered_per_issuing_unit_and_year(year):
    office, admin = year.users.office, year.users.admin
    city_office = OrganizationFactory(name="明湖市发展和改革委员会", kind="department")
    admin.organization = city_office
    admin.save()

    q1 = services.publish(office, Period.quarter(2026, 1), chain_scope(year))
    q2 = services.publish(office, Period.quarter(2026, 2), chain_scope(year))
    city = services.publish(admin, YEAR, Scope(user=admin))  # a bulletin of no chain: the publisher's unit
    # the chain's office issues the bulletins of its chain, whoever publishes them
    by_admin = services.publish(admin, Period.quarter(2026, 3), chain_scope(year, admin))
    year.clock.set(2027, 1, 5, 9)
    next_year = services.publish(office, Period.quarter(2026, 4), chain_scope(year))

    assert [(b.issuer, b.issuer_name, b.issue_year, b.issue_number) for b in (q1, q2, city, by_admin, next_year)] == [
        (year.world.dept, "明湖市经济和信息化局", 2026, 1), (year.world.dept, "明湖市经济和信息化局", 2026, 2),
        (city_office, "明湖市发展和改革委员会", 2026, 1), (year.world.dept, "明湖市经济和信息化局", 2026, 3),
        (year.world.dept, "明湖市经济和信息化局", 2027, 1)]
    assert (next_year.issue_label, next_year.masthead) == ("No. 1, 2027", "明湖市大健康产业链工作简报")


def test_another_scope_is_another_series(year):
    a = services.publish(year.users.admin, YEAR, Scope(user=year.users.admin))
    assert (a.title, a.masthead, a.issuer, a.issuer_name) == ("全市产业链2026年工作情况", "产业链工作简报", None, "admin")
    b = services.publish(year.users.admin, YEAR, Scope(user=year.users.admin, chain=year.chain))
    c = services.publish(year.users.admin, Period.quarter(2026, 1), Scope(user=year.users.admin))
    assert [x.version for x in (a, b, c)] == [1, 1, 1]
    assert len({a.series, b.series, c.series}) == 3
    # an admin with no unit numbers the city's bulletins on their own; the chain's are its office's
    assert [(x.issuer, x.issue_number) for x in (a, b, c)] == [(None, 1), (year.world.dept, 1), (None, 2)]


@pytest.mark.parametrize("role", ["handler", "specialist", "enterprise", "partner"])
def test_only_the_office_and_admins_publish(year, role):
    user = getattr(year.users, role)
    with pytest.raises(PermissionDenied):
        services.publish(user, YEAR, Scope(user=user))
    assert (Bulletin.objects.count(), IssueCounter.objects.count()) == (0, 0)


def test_an_office_publishes_only_for_its_chains(year):
    with pytest.raises(PermissionDenied):
        services.publish(year.users.office, YEAR, Scope(user=year.users.office, chain=year.dchain))
    assert (Bulletin.objects.count(), IssueCounter.objects.count()) == (0, 0)
    assert Meeting.objects.count() == 5


def test_a_case_not_of_the_period_is_refused_at_its_field(year):
    outside = f"demand:{year.d0.pk}"  # resolved, but received in 2025
    open_one = f"demand:{year.d4.pk}"  # of 2026, not resolved
    with pytest.raises(ValidationError) as refused:
        services.publish(year.users.office, YEAR, chain_scope(year), cases=[
            (f"agreement:{year.agreements[0].pk}", "", ""), (outside, "", ""), (open_one, "", ""),
            (f"agreement:{year.agreements[0].pk}", "", "")])
    assert refused.value.message_dict == {"cases": ["Choose at most 3 typical cases."]}
    with pytest.raises(ValidationError) as refused:
        services.publish(year.users.office, YEAR, chain_scope(year), cases=[
            (f"agreement:{year.agreements[0].pk}", "", ""), (outside, "", ""), (f"agreement:{year.agreements[0].pk}",
                                                                                  "", "")])
    assert refused.value.message_dict == {"cases": [
        "Case 2: choose one of this period's resolved demands or signed agreements.",
        "Case 3: this record is already case 1."]}
    assert (Bulletin.objects.count(), IssueCounter.objects.count()) == (0, 0)


# ---------------------------------------------------------------- two publishers at once (PostgreSQL)

@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between two connections need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_publishers_at_once_get_consecutive_issue_numbers(year):
    """The first publisher has its number but has not committed; the second, publishing another bulletin of the
    same office, waits for it on the counter instead of taking the same number."""
    import threading
    import time

    from django.db import connections, transaction

    numbers, hold, holding = {}, threading.Event(), threading.Event()
    services.publish(year.users.office, Period.month(2026, 5), chain_scope(year))  # the office's counter is at 1

    def first():
        try:
            with transaction.atomic():
                numbers["first"] = services.publish(year.users.office, Period.quarter(2026, 1),
                                                    chain_scope(year)).issue_number
                holding.set()
                hold.wait(20)
        finally:
            connections.close_all()

    def second():
        try:
            numbers["second"] = services.publish(year.users.office, Period.quarter(2026, 2),
                                                 chain_scope(year)).issue_number
        finally:
            connections.close_all()

    a, b = threading.Thread(target=first), threading.Thread(target=second)
    a.start()
    assert holding.wait(20)
    b.start()
    waited = False
    for _ in range(200):  # until the second waits on a lock (or, were there none, has taken its number)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            waited = cursor.fetchone()[0] > 0
        if waited or not b.is_alive():
            break
        time.sleep(0.05)
    hold.set()
    a.join(20)
    b.join(20)

    assert waited is True
    assert numbers == {"first": 2, "second": 3}
    assert sorted(Bulletin.objects.values_list("issue_number", flat=True)) == [1, 2, 3]
    assert IssueCounter.objects.get().last == 3


def test_comparisons_are_exact_for_a_quarter(year):
    from chainserve.reports.comparisons import compare

    report = compute_all(Period.quarter(2026, 1), chain_scope(year))
    changes = compare(report, {"demands_resolved", "resolution_rate", "agreements_credit_fen", "pairings",
                               "leads_landed"})
    # 环比 against Q4 2025 (d0 resolved, a credit of 9,999万, one pairing); 同比 against Q1 2025 (nothing then)
    assert {k: [(c.basis, c.delta, c.text) for c in v] for k, v in changes.items()} == {
        "demands_resolved": [("mom", 100, "up 100.0% on the previous period")],
        "resolution_rate": [("mom", 0, "unchanged on the previous period")],
        "agreements_credit_fen": [("mom", -100, "down 100.0% on the previous period")],
        "pairings": [("mom", 200, "up 200.0% on the previous period")],
        "leads_landed": [],
    }


def test_the_periods_compared():
    from chainserve.reports.comparisons import period_before, year_before

    d = datetime.date
    assert (year_before(Period.year(2026)), period_before(Period.year(2026))) == (Period.year(2025), None)
    assert (year_before(Period.quarter(2026, 1)), period_before(Period.quarter(2026, 1))) == \
        (Period.quarter(2025, 1), Period.quarter(2025, 4))
    assert (year_before(Period.month(2024, 2)), period_before(Period.month(2024, 3))) == \
        (Period.month(2023, 2), Period.month(2024, 2))
    assert (year_before(Period(d(2024, 2, 29), d(2024, 3, 10))), period_before(Period(d(2026, 3, 1), d(2026, 3, 10)))) \
        == (Period(d(2023, 2, 28), d(2023, 3, 10)), Period(d(2026, 2, 19), d(2026, 2, 28)))
    assert period_before(Period(d(2026, 1, 1), d(2026, 6, 30))) == Period(d(2025, 7, 1), d(2025, 12, 31))
    assert period_before(Period(d(2025, 7, 1), d(2026, 6, 30))) is None  # twelve months: 同比 says it
