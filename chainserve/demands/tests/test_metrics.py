"""The demand figures — 响应率, 解决率, 满意率 and the rest — over a known set of demands, exactly."""

import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from chainserve.demands import metrics, services
from chainserve.demands.choices import AssignmentRole, EventType, Status
from chainserve.demands.models import Assignment, Demand, DemandEvent

from .factories import eod, local

NOW = local(2026, 10, 20, 12)
FIELDS = ["received", "answered_on_time", "due_for_answer", "resolved", "unresolved", "rated", "satisfied",
          "avg_working_days", "overdue", "sent_back", "reopened", "open", "response_rate", "resolution_rate",
          "satisfaction_rate"]


def figures(f):
    data = f.as_dict()
    return [data[k] for k in FIELDS]


@pytest.fixture
def book(desk):
    """Ten demands with fixed times (now: 2026-10-20 12:00), written straight into their rows.

    d1–d5 are led by 经信局, d6–d7 by 市场监管局 (each with its lead assignment), d8 was rejected,
    d9 sent back and waits for dispatch, d10 was merged. 经信局 sent d2 back once and d7 twice before
    it went to 市场监管局; 市场监管局 sent d9 back.
    """
    on_time, late = local(2026, 10, 8, 10), local(2026, 10, 12, 10)
    rows = {
        # 经信局
        "d1": dict(lead_department=desk.dept, category=desk.policy, status=Status.RESOLVED,
                   answer_due=eod(2026, 10, 9), first_answered_at=on_time, resolve_due=eod(2026, 10, 19),
                   closed_at=local(2026, 10, 15, 9), resolve_working_days=4, rating="satisfied"),
        "d2": dict(lead_department=desk.dept, category=desk.policy, status=Status.UNRESOLVED,
                   answer_due=eod(2026, 10, 9), first_answered_at=late, resolve_due=eod(2026, 10, 13),
                   closed_at=local(2026, 10, 19, 9), resolve_working_days=12, rating="unsatisfied",
                   sent_back_count=1),
        "d3": dict(lead_department=desk.dept, category=desk.financing, status=Status.RESOLVED,
                   answer_due=eod(2026, 10, 9), first_answered_at=on_time, resolve_due=eod(2026, 10, 19),
                   closed_at=local(2026, 10, 19, 23), resolve_working_days=6, rating="basic", reopen_count=1),
        "d4": dict(lead_department=desk.dept, category=desk.financing, status=Status.DISPATCHED,
                   answer_due=eod(2026, 10, 9), resolve_due=eod(2026, 10, 19)),  # not answered, overdue
        "d5": dict(lead_department=desk.dept, category=desk.policy, status=Status.WAITING,
                   answer_due=eod(2026, 10, 22), first_answered_at=on_time, resolve_due=eod(2026, 10, 30)),
        # 市场监管局
        "d6": dict(lead_department=desk.market, category=desk.policy, status=Status.RESOLVED,
                   answer_due=eod(2026, 10, 9), first_answered_at=on_time, resolve_due=eod(2026, 10, 19),
                   closed_at=local(2026, 10, 9, 9), resolve_working_days=2),
        "d7": dict(lead_department=desk.market, category=desk.financing, status=Status.DISPATCHED,
                   answer_due=eod(2026, 10, 21), resolve_due=eod(2026, 10, 30), sent_back_count=2),
        # no lead department
        "d8": dict(category=desk.policy, status=Status.REJECTED, answer_due=eod(2026, 10, 9),
                   resolve_due=eod(2026, 10, 19), closed_at=local(2026, 10, 9, 9)),
        "d9": dict(category=desk.policy, status=Status.ACCEPTED, answer_due=eod(2026, 10, 21),
                   resolve_due=eod(2026, 10, 30), sent_back_count=1),
        "d10": dict(category=desk.policy, status=Status.MERGED, answer_due=eod(2026, 10, 9),
                    resolve_due=eod(2026, 10, 19), closed_at=local(2026, 10, 9, 9)),
    }
    sent_back_by = {"d2": [desk.dept], "d7": [desk.dept, desk.dept], "d9": [desk.market]}
    made = {}
    for name, fields in rows.items():
        demand = services.submit(desk.enterprise, services.Intake(desk.nfs, fields["category"], name, "内容"))
        Demand.objects.filter(pk=demand.pk).update(created=local(2026, 9, 29, 10), **fields)
        if fields.get("lead_department"):
            Assignment.objects.create(demand=demand, department=fields["lead_department"],
                                      role=AssignmentRole.LEAD, due=fields["resolve_due"])
        for dept in sent_back_by.get(name, []):
            DemandEvent.objects.create(demand=demand, type=EventType.SENT_BACK, data={"department": dept.pk})
        made[name] = Demand.objects.get(pk=demand.pk)
    services.rebuild_figures()  # the rows above were written straight into the table
    return made


def test_figures_per_department(desk, book):
    rows = {f.name: figures(f) for f in metrics.grouped("department", now=NOW)}

    assert rows == {
        # received, on time, due for answer, resolved, unresolved, rated, satisfied, avg days, overdue,
        # sent back, reopened, open, 响应率, 解决率, 满意率
        # avg days over resolved demands only; a send-back counts against the department that sent it back
        "明湖市经济和信息化局": [5, 3, 5, 2, 1, 3, 2, 5.0, 2, 3, 1, 2, 60.0, 66.7, 66.7],
        "明湖市市场监督管理局": [2, 1, 1, 1, 0, 0, 0, 2.0, 0, 1, 0, 1, 100.0, 100.0, None],
        "—": [1, 0, 0, 0, 0, 0, 0, None, 0, 0, 0, 1, None, None, None],
    }


def test_figures_per_category(desk, book):
    rows = {f.name: figures(f) for f in metrics.grouped("category", now=NOW)}

    assert rows == {
        "政策支持": [5, 3, 4, 2, 1, 2, 1, 3.0, 1, 2, 0, 2, 75.0, 66.7, 50.0],
        "融资需求": [3, 1, 2, 1, 0, 1, 1, 6.0, 1, 2, 1, 2, 50.0, 100.0, 100.0],
    }


def test_totals_and_a_closed_unsolved_demand_never_counts_as_solved(desk, book):
    total = metrics.totals(now=NOW)

    assert figures(total) == [8, 4, 6, 3, 1, 3, 2, 4.0, 2, 4, 1, 4, 66.7, 75.0, 66.7]
    assert total.name == "All"


def test_the_ranking_puts_the_best_resolution_rate_first(desk, book):
    ranking = metrics.department_ranking(now=NOW)

    assert [f.name for f in ranking] == ["明湖市市场监督管理局", "明湖市经济和信息化局"]


def test_figures_per_chain_and_district(desk, book):
    by_chain = {f.name: f.received for f in metrics.grouped("chain", now=NOW)}
    by_district = {f.name: f.received for f in metrics.grouped("district", now=NOW)}

    assert by_chain == {"明湖市大健康产业链": 8}
    assert by_district == {"东湖区": 8}


def test_a_period_is_taken_in_shanghai_days(desk, book):
    Demand.objects.filter(pk=book["d1"].pk).update(created=local(2026, 9, 1, 0, 30))  # 08-31 16:30 UTC
    Demand.objects.filter(pk=book["d2"].pk).update(created=local(2026, 8, 31, 23, 30))

    september = metrics.period_queryset(Demand.objects.all(), datetime.date(2026, 9, 1),
                                        datetime.date(2026, 9, 30))

    assert sorted(september.values_list("title", flat=True)) == sorted(
        ["d1", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10"])
    services.rebuild_figures()
    assert metrics.totals(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30), now=NOW).received == 7
    assert metrics.totals(datetime.date(2026, 8, 31), datetime.date(2026, 8, 31), now=NOW).received == 1


def test_nothing_to_count_gives_no_rates(db):
    total = metrics.totals(now=NOW)

    assert figures(total) == [0, 0, 0, 0, 0, 0, 0, None, 0, 0, 0, 0, None, None, None]


# ---------------------------------------------------------------- the metrics page

def test_the_metrics_page_shows_the_figures_of_what_the_user_may_see(clock, desk, book, client_as):
    clock.set(2026, 10, 20, 12)

    office = client_as(desk.office).get("/demands/metrics/", {"from": "2026-09-01", "to": "2026-10-31"})
    handler = client_as(desk.handler2).get("/demands/metrics/", {"from": "2026-09-01", "to": "2026-10-31",
                                                                 "by": "category"})

    assert office.status_code == handler.status_code == 200
    assert figures(office.context["total"]) == [8, 4, 6, 3, 1, 3, 2, 4.0, 2, 4, 1, 4, 66.7, 75.0, 66.7]
    assert [f.name for f in office.context["ranking"]] == ["明湖市市场监督管理局", "明湖市经济和信息化局"]
    # the handler of 市场监管局 counts only the demands its department leads, and the send-backs it made (d9)
    assert {f.name: figures(f) for f in handler.context["rows"]} == {
        "政策支持": [1, 1, 1, 1, 0, 0, 0, 2.0, 0, 1, 0, 0, 100.0, 100.0, None],
        "融资需求": [1, 0, 0, 0, 0, 0, 0, None, 0, 0, 0, 1, None, None, None],
    }
    assert office.context["missing_years"] == [2027]
    assert "The official holiday schedule of 2027 is not entered yet" in office.content.decode()


def test_the_metrics_export_has_a_row_per_group_and_the_total(clock, desk, book, client_as):
    clock.set(2026, 10, 20, 12)

    response = client_as(desk.office).get("/demands/metrics/", {"from": "2026-09-01", "to": "2026-10-31",
                                                                "export": "xlsx"})

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Department", "Received", "Response rate %", "Resolution rate %")
    assert sorted(rows[1:], key=str) == sorted([
        ("明湖市经济和信息化局", 5, 60.0, 66.7, 66.7, 5.0, 2, 1, 2, 3, 1, 2),
        ("明湖市市场监督管理局", 2, 100.0, 100.0, None, 2.0, 1, 0, 0, 1, 0, 1),
        ("—", 1, None, None, None, None, 0, 0, 0, 0, 0, 1),
        ("All", 8, 66.7, 75.0, 66.7, 4.0, 3, 1, 2, 4, 1, 4),
    ], key=str)
    # like every export, it is in the audit trail with its filter and its row count
    from chainserve.core.models import AuditEntry

    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("pk")
    assert (entry.username, entry.detail) == (desk.office.username,
                                              "demands.metrics?from=2026-09-01&to=2026-10-31&export=xlsx (3)")


@pytest.mark.parametrize("role", ["enterprise", "partner"])
def test_the_metrics_page_is_for_staff(desk, client_as, role):
    response = client_as(getattr(desk.users, role)).get("/demands/metrics/")

    assert response.status_code == 403


# ---------------------------------------------------------------- the period asked

TODAY = datetime.date(2026, 12, 6)


@pytest.mark.parametrize(("query", "period", "errors"), [
    ({}, (datetime.date(2026, 1, 1), TODAY), {}),
    ({"from": "", "to": " "}, (datetime.date(2026, 1, 1), TODAY), {}),
    ({"from": "2000-01-01", "to": "2100-12-31"}, (datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)), {}),
    ({"to": "9999-12-31"}, (datetime.date(2026, 1, 1), TODAY), {"to": "Give a date from 2000 to 2100."}),
    ({"from": "0001-01-01"}, (datetime.date(2026, 1, 1), TODAY), {"from": "Give a date from 2000 to 2100."}),
    ({"from": "1999-12-31", "to": "2101-01-01"}, (datetime.date(2026, 1, 1), TODAY),
     {"from": "Give a date from 2000 to 2100.", "to": "Give a date from 2000 to 2100."}),
    ({"from": "2026-02-30"}, (datetime.date(2026, 1, 1), TODAY), {"from": "Enter a valid date."}),
    ({"from": "2026/9/1", "to": "2026年10月31日"}, (datetime.date(2026, 9, 1), datetime.date(2026, 10, 31)), {}),
    ({"from": "09/01/2026"}, (datetime.date(2026, 1, 1), TODAY), {"from": "Enter a valid date."}),
    ({"from": "2026-10-01", "to": "2026-09-30"}, (datetime.date(2026, 1, 1), TODAY),
     {"to": "The end date cannot be before the start date."}),
])
def test_parse_period(query, period, errors):
    start, end, found = metrics.parse_period(query, TODAY)

    assert ((start, end), {k: str(v) for k, v in found.items()}) == (period, errors)


def test_a_far_date_on_the_metrics_page_is_a_400_with_the_message_at_its_field(clock, desk, client_as):
    clock.set(2026, 10, 20, 12)

    response = client_as(desk.office).get("/demands/metrics/", {"from": "2026-09-01", "to": "9999-12-31"})

    # the date arithmetic overflowed past year 9999: a 500
    assert response.status_code == 400
    page = response.content.decode()
    assert '<div class="invalid-feedback d-block" id="to-error">Give a date from 2000 to 2100.</div>' in page
    assert 'id="from-error"' not in page
    assert (response.context["start"], response.context["end"]) == (datetime.date(2026, 1, 1),
                                                                     datetime.date(2026, 10, 20))


def test_an_export_asked_with_a_wrong_date_gives_the_page_not_a_workbook(clock, desk, client_as):
    clock.set(2026, 10, 20, 12)

    response = client_as(desk.office).get("/demands/metrics/", {"to": "9999-12-31", "export": "xlsx"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
