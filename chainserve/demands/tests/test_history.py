"""Past years imported (`chainserve import history`): the demands sheet, its events, deadlines and figures."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from chainserve import cli
from chainserve.coordination.services.history import HistoryImporter
from chainserve.core.models import Notification
from chainserve.core.uploads import command_limits
from chainserve.demands import metrics
from chainserve.demands.choices import AssignmentRole, EventType, Rating, Status
from chainserve.demands.models import Assignment, Demand, DemandEvent, DemandFigures
from chainserve.reports.figures import Period, Scope, compute_all

from .factories import eod, local

HEADER = ["编号", "企业", "类别", "渠道", "标题", "内容", "提交日期", "受理日期", "答复日期", "办结日期", "状态",
          "牵头部门", "协办部门", "办理结果", "评价", "评价意见"]
FIGURE_KEYS = ["demands_received", "demands_resolved", "demands_unresolved", "demands_open", "satisfaction_rate"]


def workbook(tmp_path, rows, header=HEADER, title="诉求"):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = tmp_path / "history.xlsx"
    wb.save(path)
    return path


def good_rows(desk):
    """Three demands of 2024: resolved and rated (with its own number), rejected, closed unresolved."""
    return [
        ["LS2024-001", desk.nfs.uscc, "政策支持", "走访", "研发费用加计扣除辅导", "企业希望了解申报口径。",
         datetime.date(2024, 9, 27), datetime.date(2024, 9, 29), "2024-10-08", "2024-10-15", "已解决",
         desk.dept.name, f"{desk.market.name}、{desk.science.name}", "已上门辅导。", "满意", "很及时"],
        [None, desk.wz.name, "financing", "热线", "流动资金贷款", "需要一千万元流动资金。",
         "2024-03-04", "2024-03-04", None, "2024-03-05", "rejected", None, None, None, None, None],
        [None, desk.nfs.name, "选址与空间", "visit", "扩建厂房", "需要五十亩工业用地。",
         "2024-05-06", "2024-05-07", None, "2024-06-28", "已办结，未解决", desk.market.name, None,
         "本年度无可供用地。", "不满意", None],
    ]


def figure_rows():
    """The rows of DemandFigures that count something (a change leaves rows of zeros that a rebuild drops)."""
    columns = [*metrics.KEY, *metrics.COLUMNS]
    return sorted(r for r in DemandFigures.objects.values_list(*columns) if any(r[len(metrics.KEY):]))


def run(path, **kwargs):
    return HistoryImporter(None).run(str(path), limits=command_limits(), **kwargs)


def test_a_year_of_demands_goes_in_as_it_was(desk, clock, tmp_path):
    notifications = Notification.objects.count()
    result = run(workbook(tmp_path, good_rows(desk)))

    assert result.errors == [] and (result.total, result.created) == (3, 3)
    rated = Demand.objects.get(number="LS2024-001")
    assert rated.created == local(2024, 9, 27, 9)
    assert (rated.status, rated.organization, rated.lead_department, rated.channel) == (
        Status.RESOLVED, desk.nfs, desk.dept, "visit")
    assert (rated.rating, rated.rating_comment, rated.resolution) == (Rating.SATISFIED, "很及时", "已上门辅导。")
    assert rated.first_answered_at == local(2024, 10, 8, 9, 3)
    assert rated.closed_at == local(2024, 10, 15, 9, 4)
    # 2024's official schedule: 9-29 (a Sunday) and 10-12 (a Saturday) are worked, 10-1…10-7 are off
    assert (rated.accept_due, rated.answer_due, rated.resolve_due) == (
        eod(2024, 9, 29), eod(2024, 9, 30), eod(2024, 10, 16))
    assert rated.resolve_working_days == 9 and rated.recorded_by is None and rated.submitted_by is None
    assert [(e.type, e.at, e.from_status, e.to_status, e.data["imported"]) for e in rated.events.all()] == [
        (EventType.SUBMITTED, local(2024, 9, 27, 9), "", Status.NEW, True),
        (EventType.ACCEPTED, local(2024, 9, 29, 9, 1), Status.NEW, Status.ACCEPTED, True),
        (EventType.DISPATCHED, local(2024, 9, 29, 9, 2), Status.ACCEPTED, Status.DISPATCHED, True),
        (EventType.ANSWERED, local(2024, 10, 8, 9, 3), Status.DISPATCHED, Status.DISPATCHED, True),
        (EventType.RESOLVED, local(2024, 10, 15, 9, 4), Status.DISPATCHED, Status.RESOLVED, True),
        (EventType.RATED, local(2024, 10, 15, 9, 5), Status.RESOLVED, Status.RESOLVED, True),
    ]
    assert rated.version == 6
    assert list(rated.assignments.order_by("role", "department__name").values_list(
        "department", "role", "due", "answered_at", "created")) == [
        (desk.market.pk, AssignmentRole.CO, eod(2024, 10, 11), None, local(2024, 9, 29, 9, 2)),
        (desk.science.pk, AssignmentRole.CO, eod(2024, 10, 11), None, local(2024, 9, 29, 9, 2)),
        (desk.dept.pk, AssignmentRole.LEAD, eod(2024, 10, 16), local(2024, 10, 8, 9, 3), local(2024, 9, 29, 9, 2)),
    ]
    rejected = Demand.objects.get(organization=desk.wz)
    assert rejected.number == f"SQ2024{rejected.pk:07d}"
    assert list(rejected.events.values_list("type", flat=True)) == [
        EventType.SUBMITTED, EventType.ACCEPTED, EventType.REJECTED]
    assert (rejected.lead_department, rejected.assignments.count()) == (None, 0)
    unresolved = Demand.objects.get(title="扩建厂房")
    assert (unresolved.status, unresolved.first_answered_at, unresolved.rating) == (
        Status.UNRESOLVED, unresolved.closed_at, Rating.UNSATISFIED)
    assert Notification.objects.count() == notifications  # history notifies no one


def test_the_imported_year_counts_in_its_own_figures(desk, clock, make_demand, tmp_path):
    make_demand("resolved")  # a demand of today, 2026
    this_year = compute_all(Period.year(2026), Scope(), FIGURE_KEYS)
    assert compute_all(Period.year(2024), Scope(), FIGURE_KEYS).value("demands_received") == 0

    run(workbook(tmp_path, good_rows(desk)))

    year = compute_all(Period.year(2024), Scope(), FIGURE_KEYS)
    # rejected demands count in no figure; one resolved (satisfied) and one unresolved (unsatisfied)
    assert [year.value(k) for k in FIGURE_KEYS] == [2, 1, 1, 0, 50.0]
    assert [v.value for v in compute_all(Period.year(2026), Scope(), FIGURE_KEYS).values] == [
        v.value for v in this_year.values]
    # the summary table as a rebuild would write it
    kept = figure_rows()
    call_command("rebuild_demand_figures", stdout=StringIO())
    assert figure_rows() == kept


def test_every_bad_row_is_listed_and_nothing_is_written(desk, clock, tmp_path):
    rows = good_rows(desk)
    rows.append(["LS2024-001", desk.nfs.uscc, "政策支持", "走访", "同号", "编号重复。", "2024-01-02", None, None,
                 None, "new", None, None, None, None, None])  # row 5: the number of row 2
    rows.append([None, "无此企业", "不存在的类别", "走访", "标题", "内容", "2024-04-01", None, None, None,
                 "办理中", "无此部门", "经信局、不存在局", None, None, None])  # row 6
    rows.append([None, desk.nfs.name, "政策支持", "走访", "标题", "内容", "2024-04-10", "2024-04-11", None,
                 "2024-04-09", "已解决", desk.dept.name, None, None, None, None])  # row 7: closed before received
    rows.append([None, desk.nfs.name, "政策支持", "走访", "标题", "内容", "2024-04-10", None, None, None,
                 "已归档", None, None, None, None, None])  # row 8: no such status
    before = (Demand.objects.count(), DemandEvent.objects.count(), Assignment.objects.count(),
              DemandFigures.objects.count())

    result = run(workbook(tmp_path, rows))

    assert [(e.sheet, e.row) for e in result.errors] == [("诉求", 5), ("诉求", 6), ("诉求", 7), ("诉求", 8)]
    assert result.errors[0].messages == ["Same record as row 2."]
    assert sorted(result.errors[1].messages) == sorted([
        "企业: No enterprise has the name or credit code 无此企业.",
        "类别: There is no demand category called 不存在的类别.",
        "牵头部门: There is no department called 无此部门.",
        "协办部门: There is no department called 经信局、不存在局.",
    ])
    assert result.errors[2].messages == ["办结日期: Before the 受理日期 (2024-04-11)."]
    assert result.errors[3].messages == ["状态: '已归档' is not a known value."]
    assert (Demand.objects.count(), DemandEvent.objects.count(), Assignment.objects.count(),
            DemandFigures.objects.count()) == before


@pytest.mark.parametrize(("row", "messages"), [
    (["已解决", None, None], ["办结日期: A demand “Resolved” needs this.",
                              "牵头部门: A demand “Resolved” needs this."]),
    (["new", "2024-02-01", None], ["受理日期: A demand “New” has none."]),
    (["withdrawn", None, "2024-02-03"], []),
])
def test_a_status_needs_its_cells(desk, clock, tmp_path, row, messages):
    status, accepted, closed = row
    path = workbook(tmp_path, [[None, desk.nfs.name, "政策支持", "走访", "标题", "内容", "2024-02-01", accepted,
                                None, closed, status, None, None, None, None, None]])
    result = run(path, commit=False)
    assert [m for e in result.errors for m in sorted(e.messages)] == messages


def test_the_command_imports_or_lists_the_bad_rows(desk, clock, tmp_path):
    path = workbook(tmp_path, good_rows(desk))
    out = StringIO()
    call_command("import_history", "history", str(path), "--check", stdout=out, stderr=StringIO())
    assert out.getvalue().strip() == "All 3 rows are good." and Demand.objects.count() == 0

    # `chainserve import history FILE` runs this command (the CLI itself closes the database connections as it
    # ends, which a test's transaction on PostgreSQL does not survive)
    assert cli.import_command(["history", str(path)]) == "import_history"
    call_command("import_history", "history", str(path), stdout=StringIO(), stderr=StringIO())
    assert Demand.objects.filter(created__year=2024).count() == 3

    bad = workbook(tmp_path, [[None, "无此企业", "政策支持", "走访", "标题", "内容", "2024-02-01", None, None,
                               None, "new", None, None, None, None, None]])
    err = StringIO()
    with pytest.raises(CommandError, match="1 bad rows of 1: nothing was imported"):
        call_command("import_history", "history", str(bad), stdout=StringIO(), stderr=err)
    assert err.getvalue() == "sheet 诉求, row 2: 企业: No enterprise has the name or credit code 无此企业.\n"


def test_a_workbook_without_the_sheet_is_refused(desk, tmp_path):
    with pytest.raises(CommandError, match="The workbook has none of the sheets 诉求"):
        call_command("import_history", "history", str(workbook(tmp_path, [], title="Sheet1")),
                     stdout=StringIO(), stderr=StringIO())


def test_only_an_admin_imports_history(desk, tmp_path):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        HistoryImporter(desk.office).run(str(workbook(tmp_path, good_rows(desk))))
    assert Demand.objects.count() == 0


def test_a_ledger_imported_twice_is_refused_row_by_row(desk, clock, tmp_path):
    run(workbook(tmp_path, good_rows(desk)[:2]))
    rejected = Demand.objects.get(organization=desk.wz)
    result = run(workbook(tmp_path, good_rows(desk)))
    assert [(e.row, e.messages) for e in result.errors] == [
        (2, ["编号: The platform has a demand numbered LS2024-001."]),
        (3, [f"The platform has this demand already: {rejected.number}, received the same day."]),
    ]
    assert Demand.objects.count() == 2


def test_the_demand_page_marks_imported_steps(desk, clock, client, tmp_path):
    run(workbook(tmp_path, good_rows(desk)[:1]))
    client.force_login(desk.admin)
    page = client.get(Demand.objects.get().get_absolute_url()).content.decode()
    assert page.count("event-imported") == 6


def test_a_year_without_its_holiday_schedule_waits_for_it(desk, clock, tmp_path):
    # 2019 is not entered (the calendar starts in 2020) and comes before the statutory rules of 2025: its
    # deadlines would be counted Monday to Friday
    result = run(workbook(tmp_path, [
        [None, desk.nfs.name, "政策支持", "走访", "标题", "内容", "2019-12-02", None, None, None, "new", None, None,
         None, None, None],
    ]))
    assert [(e.row, e.messages) for e in result.errors] == [(2, [
        "提交日期: The 2019 holiday schedule is not entered: an admin enters it before demands of that year are "
        "imported."])]
