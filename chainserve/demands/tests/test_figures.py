"""The summary table behind the metrics (DemandFigures), kept in step by the services: after a series of
every kind of step, its figures equal the figures computed one demand at a time straight from the rows,
and equal a rebuild from the demands — exactly, on SQLite and PostgreSQL."""

import datetime
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from chainserve.demands import metrics, services
from chainserve.demands.models import Demand, DemandEvent, DemandFigures

FIELDS = ["received", "answered_on_time", "due_for_answer", "resolved", "unresolved", "rated", "satisfied",
          "avg_working_days", "overdue", "sent_back", "reopened", "open", "response_rate", "resolution_rate",
          "satisfaction_rate"]
ATTRS = {"department": "lead_department_id", "category": "category_id", "chain": "chain_id",
         "district": "district_id"}


def rate(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def straight(by, start=None, end=None, *, now, **filters):
    """{group id or None: [figures]} computed in Python from every demand and every send-back event, with the
    definitions of the issue: no summary table, no SQL aggregate."""
    items = []
    for d in Demand.objects.all():
        running = d.status in ("new", "accepted", "dispatched")
        closed = d.status in ("resolved", "unresolved")
        counted = d.status not in ("rejected", "merged")
        attrs = {k: getattr(d, f) for k, f in ATTRS.items()}
        items.append((d, attrs, {
            "received": counted,
            "answered_on_time": counted and d.first_answered_at is not None and d.first_answered_at <= d.answer_due,
            "due_for_answer": counted and (d.first_answered_at is not None or (running and d.answer_due < now)),
            "resolved": d.status == "resolved", "unresolved": d.status == "unresolved", "rated": d.rating != "",
            "satisfied": d.rating in ("satisfied", "basic"),
            "overdue": (running and d.resolve_due < now) or (closed and d.closed_at > d.resolve_due),
            "reopened": d.reopen_count, "open": d.status in ("new", "accepted", "dispatched", "waiting"),
            "days": [d.resolve_working_days] if d.status == "resolved" else []}))
    for event in DemandEvent.objects.filter(type="sent_back").select_related("demand"):
        d = event.demand  # counted against the department that sent it back
        attrs = {k: getattr(d, f) for k, f in ATTRS.items()} | {"department": event.data["department"]}
        items.append((d, attrs, {"sent_back": 1}))
    sums = defaultdict(lambda: defaultdict(int))
    days = defaultdict(list)
    for d, attrs, counts in items:
        day = timezone.localdate(d.created)
        if (start and day < start) or (end and day > end):
            continue
        if any(attrs[k] != getattr(v, "pk", v) for k, v in filters.items()):
            continue
        group = sums[attrs[by]]
        for k, v in counts.items():
            if k == "days":
                days[attrs[by]] += v
            else:
                group[k] += int(v)
    out = {}
    for key, s in sums.items():
        avg = round(sum(days[key]) / len(days[key]), 1) if days[key] else None
        row = [s["received"], s["answered_on_time"], s["due_for_answer"], s["resolved"], s["unresolved"],
               s["rated"], s["satisfied"], avg, s["overdue"], s["sent_back"], s["reopened"], s["open"],
               rate(s["answered_on_time"], s["due_for_answer"]), rate(s["resolved"], s["resolved"] + s["unresolved"]),
               rate(s["satisfied"], s["rated"])]
        if any(v for v in row if v is not None):
            out[key] = row
    return out


def listed(figures):
    return {f.key: [f.as_dict()[k] for k in FIELDS] for f in figures}


def table():
    """The summary rows that count something, by key."""
    cols = metrics.KEY + metrics.COLUMNS
    return {r[:6]: r[6:] for r in DemandFigures.objects.values_list(*cols) if any(r[6:])}


@pytest.fixture
def history(clock, desk, make_demand):
    """Demands taken through every kind of step, over two months, by every role (clock: 2026-09-29 → 10-27)."""
    s, office, h, h2, h3, e = (services, desk.office, desk.handler, desk.handler2, desk.handler3,
                               desk.enterprise)
    a = make_demand("new", title="a")
    b = make_demand("new", title="b", category=desk.financing)
    c = make_demand("new", by=desk.specialist, organization=desk.wz, title="c")
    dup = make_demand("new", title="dup")
    f = make_demand("new", title="f", category=desk.site)
    clock.set(2026, 9, 30, 9)
    s.dispatch(a, office, desk.dept, [desk.market])
    s.dispatch(b, office, desk.dept, [])
    s.reject(c, office, "不属于产业链服务范围。")
    s.accept(f, office)
    s.answer(a, h, "已受理。")
    s.answer(a, h2, "配合办理。")
    s.send_back(b, h, "不属于本部门职责。")
    s.merge(dup, f, office)
    clock.set(2026, 10, 9, 10)  # after the National Day holidays
    s.dispatch(b, office, desk.market, [])
    s.dispatch(f, office, desk.science, [])
    s.close(a, h, True, "已辅导完成。")
    s.rate(a, e, "satisfied", "很好。")
    s.escalate(f, office, "需要协调。")
    s.request_extension(f, h3, 5, "需要会商。")
    s.decide_extension(f, office, True, "同意。")
    g = make_demand("new", title="g")  # received in October, closed late
    w = make_demand("new", by=desk.specialist, organization=desk.wz, title="w", category=desk.financing)
    s.dispatch(w, office, desk.market, [])
    clock.set(2026, 10, 14, 15)
    s.answer(b, h2, "已受理,逾期答复。")  # late
    s.close(b, h2, False, "政策不支持。")
    s.rate(b, e, "unsatisfied", "没有解决。")
    s.reopen(b, e, "仍未解决。")
    s.ask(b, h2, "请补充材料。")
    s.ask(w, h2, "请补充材料。")
    clock.set(2026, 10, 16, 11)
    s.reply(b, e, "已补充。")
    s.close(b, h2, True, "已解决。")
    s.comment(b, office, "跟进。")
    clock.set(2026, 10, 27, 11)
    s.dispatch(g, office, desk.dept, [])
    s.close(g, h, True, "已办结,逾期。")  # closed after its deadline (10-22), first answered late with it
    clock.set(2026, 10, 27, 12)  # f is past its deadline (10-26) and still running
    return {"a": a, "b": b, "c": c, "dup": dup, "f": f, "g": g, "w": w}


PERIODS = [(None, None), (datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)),  # a whole month
           (datetime.date(2026, 9, 29), datetime.date(2026, 10, 9)),  # days of two months
           (datetime.date(2026, 9, 1), datetime.date(2026, 10, 9)), (datetime.date(2026, 10, 10), None),
           (None, datetime.date(2026, 10, 9))]


def test_the_summary_gives_the_figures_straight_from_the_demands(clock, desk, history):
    now = clock()

    for start, end in PERIODS:
        for by in metrics.GROUPS:
            assert listed(metrics.grouped(by, start, end, now=now)) == straight(by, start, end, now=now), (
                by, start, end)


def test_filters_give_the_figures_straight_from_the_demands(clock, desk, history):
    now = clock()
    filters = {"department": desk.market, "category": desk.financing, "district": desk.wz.district,
               "chain": history["a"].chain}

    for name, value in filters.items():
        for by in metrics.GROUPS:
            assert listed(metrics.grouped(by, now=now, **{name: value})) == straight(by, now=now, **{name: value})
        total = metrics.totals(now=now, **{name: value})
        assert [total.as_dict()[k] for k in FIELDS] == straight(name, now=now, **{name: value})[value.pk]


def test_the_totals_and_the_history_as_expected(clock, desk, history):
    total = metrics.totals(now=clock())

    # received: a, b, f, g, w (c rejected, dup merged); answered on time: a; due for an answer: a, b, g
    # (answered), f (unanswered past its deadline); resolved: a, b, g in 3, 7 (9 less 2 waiting) and 13 working
    # days; rated: a (b's rating went with the reopening); overdue: f (running), g (closed late); sent back
    # once, reopened once; open: f, w
    assert [total.as_dict()[k] for k in FIELDS] == [5, 1, 4, 3, 0, 1, 1, 7.7, 2, 1, 1, 2, 25.0, 100.0, 100.0]
    assert metrics.totals(now=clock()).as_dict() == metrics.page("chain", now=clock())[1].as_dict()


def test_the_table_kept_by_the_services_equals_a_rebuild(desk, history):
    kept = table()

    out = StringIO()
    call_command("rebuild_demand_figures", stdout=out)

    assert table() == kept
    assert out.getvalue().startswith(f"{DemandFigures.objects.count()} rows of demand figures")
    days = {k for k in kept if not k[0]}
    assert {k[1] for k in days} == {datetime.date(2026, 9, 29), datetime.date(2026, 10, 9)}
    # a month row is the sum of its days
    for month in (k for k in kept if k[0]):
        parts = [v for k, v in kept.items() if not k[0] and k[1].replace(day=1) == month[1] and k[2:] == month[2:]]
        assert [sum(col) for col in zip(*parts, strict=True)] == list(kept[month])


def test_a_refused_step_leaves_the_figures_as_they_were(desk, history):
    kept = table()

    with pytest.raises(services.TransitionError):
        services.close(history["a"], desk.handler, True, "再次办结。")

    assert table() == kept


def test_scopes_office_handler_and_specialist(clock, desk, history):
    now = clock()

    handler = metrics.totals(user=desk.handler2, now=now)
    specialist = metrics.totals(user=desk.specialist, now=now)
    enterprise = metrics.totals(user=desk.enterprise, now=now)

    # 市场监管局 leads b and w
    assert [handler.as_dict()[k] for k in FIELDS] == straight("department", now=now)[desk.market.pk]
    # the specialist recorded c (rejected) and w (waiting)
    assert (specialist.received, specialist.open) == (1, 1)
    assert enterprise.received == 0
    assert metrics.totals(user=desk.office, now=now).received == 5
