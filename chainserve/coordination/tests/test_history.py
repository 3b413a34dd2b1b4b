"""Past years imported (`chainserve import history`): the sheets of joint meetings and joint activities."""

import datetime
from zoneinfo import ZoneInfo

from bench.history_sample import write_workbook
from chainserve.coordination.choices import ActivityKind, ActivityStatus, MeetingStatus
from chainserve.coordination.models import Activity, Attendance, Meeting
from chainserve.coordination.services.history import HistoryImporter
from chainserve.core.uploads import command_limits
from chainserve.reports.figures import Period, Scope, compute_all

SHANGHAI = ZoneInfo("Asia/Shanghai")
MEETINGS = ["委员会", "会议名称", "召开日期", "时间", "地点", "状态", "会议纪要", "取消原因", "参会单位"]
ACTIVITIES = ["产业链", "活动类型", "活动名称", "举办日期", "地点", "主办单位", "状态", "活动成效", "对接线索", "收集诉求",
              "取消原因"]
KEYS = ["meetings_held", "activities_held"]


def workbook(tmp_path, meetings, activities):
    return write_workbook(tmp_path / "history.xlsx", {"联席会议": (MEETINGS, meetings), "联建活动": (ACTIVITIES, activities)})


def rows(coord):
    w = coord.world
    meetings = [
        [coord.committee.name, "2024年第一次联席会议", datetime.date(2024, 3, 12), "14:30", "市政府3号会议室", "已召开",
         "会议研究了厂房问题。", None, f"{w.dept.name}、{w.nfs.name}"],
        [coord.committee.name, "2024年第二次联席会议", "2024-07-02", None, None, "cancelled", None, "领导出差。", None],
    ]
    activities = [
        [coord.chain.name, "bank", "2024年银企对接会", "2024-05-20", "光谷生物城", w.bank.name, "已举办",
         "签约意向三项。", 5, 2, None],
    ]
    return meetings, activities


def run(path):
    return HistoryImporter(None).run(str(path), limits=command_limits())


def test_past_meetings_and_activities_count_in_their_year(coord, tmp_path):
    this_year = compute_all(Period.year(2026), Scope(), KEYS)

    result = run(workbook(tmp_path, *rows(coord)))

    assert result.errors == [] and (result.total, result.created) == (3, 0)  # no demands sheet in this workbook
    assert result.others == [["past joint meetings", 2, 0], ["past joint activities", 1, 0]]
    held = Meeting.objects.get(title="2024年第一次联席会议")
    assert (held.status, held.chain, held.starts_at, held.minutes) == (
        MeetingStatus.HELD, coord.chain, datetime.datetime(2024, 3, 12, 14, 30, tzinfo=SHANGHAI), "会议研究了厂房问题。")
    assert held.created == held.starts_at
    first = held.history.earliest("history_date")
    assert (first.history_date, first.history_change_reason) == (held.starts_at, "从历史数据工作簿导入")  # the platform's language
    assert set(Attendance.objects.filter(meeting=held).values_list("organization", flat=True)) == {
        coord.world.dept.pk, coord.world.nfs.pk}
    cancelled = Meeting.objects.get(title="2024年第二次联席会议")
    assert (cancelled.status, cancelled.cancel_reason) == (MeetingStatus.CANCELLED, "领导出差。")
    activity = Activity.objects.get(title="2024年银企对接会")
    assert (activity.kind, activity.status, activity.organizer, activity.leads_found, activity.demands_raised) == (
        ActivityKind.BANK_MATCH, ActivityStatus.HELD, coord.world.bank, 5, 2)

    year = compute_all(Period.year(2024), Scope(), KEYS)
    assert [year.value(k) for k in KEYS] == [1, 1]  # a cancelled meeting is not held
    assert [v.value for v in compute_all(Period.year(2026), Scope(), KEYS).values] == [
        v.value for v in this_year.values]


def test_one_bad_row_in_any_sheet_writes_nothing(coord, tmp_path):
    meetings, activities = rows(coord)
    meetings.append(["无此委员会", "会议", "2024-09-01", None, None, "已召开", None, None, "无此单位"])
    activities.append([coord.chain.name, "游园", "活动", "2024-09-01", None, None, "cancelled", None, None, None, None])
    before = (Meeting.objects.count(), Activity.objects.count())

    result = run(workbook(tmp_path, meetings, activities))

    assert [(e.sheet, e.row, sorted(e.messages)) for e in result.errors] == [
        ("联席会议", 4, ["参会单位: No organisation has the name 无此单位.",
                     "委员会: There is no committee called 无此委员会."]),
        ("联建活动", 3, ["活动类型: '游园' is not a known value."]),
    ]
    assert (Meeting.objects.count(), Activity.objects.count()) == before


def test_a_cancelled_one_needs_its_reason(coord, tmp_path):
    result = run(workbook(tmp_path, [[coord.committee.name, "会议", "2024-09-01", None, None, "已取消", None, None,
                                      None]], []))
    assert [(e.row, e.messages) for e in result.errors] == [(2, ["取消原因: Say why it was cancelled."])]


def test_a_workbook_imported_twice_is_refused(coord, tmp_path):
    path = workbook(tmp_path, *rows(coord))
    run(path)
    result = run(path)
    assert [(e.sheet, e.row, e.messages) for e in result.errors] == [
        ("联席会议", 2, ["The platform has this one already, on the same day."]),
        ("联席会议", 3, ["The platform has this one already, on the same day."]),
        ("联建活动", 2, ["The platform has this one already, on the same day."]),
    ]
    assert (Meeting.objects.count(), Activity.objects.count()) == (3, 2)  # the fixture's and the imported ones
