"""Past years imported (`chainserve import history`): the sheets of agreements, "1+1" pairings and annual lists."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from bench.history_sample import write_workbook
from chainserve.coordination.choices import AgreementKind, AgreementStatus, ItemStatus, ListKind
from chainserve.coordination.models import Agreement as AgreementModel
from chainserve.coordination.models import AnnualList, ItemUpdate, ListItem, Milestone, Pairing
from chainserve.coordination.services.history import HistoryImporter
from chainserve.core.uploads import command_limits
from chainserve.registry.choices import OrgKind
from chainserve.registry.tests.factories import OrganizationFactory
from chainserve.reports.figures import Period, Scope, compute_all

SHANGHAI = ZoneInfo("Asia/Shanghai")
AGREEMENTS = ["产业链", "签约类型", "项目名称", "签约机构", "企业", "金额（万元）", "签约日期", "状态", "备注"]
PAIRINGS = ["机关党支部", "企业", "企业党支部", "结对日期", "结束日期", "备注"]
LISTS = ["产业链", "年度", "清单类型", "清单名称", "序号", "上级序号", "项目名称", "责任单位", "权重", "目标", "进度（%）", "状态",
         "完成日期", "节点"]
IMPORTED = "从历史数据工作簿导入"  # the change reason, in the platform's language


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def workbook(tmp_path, agreements=(), pairings=(), lists=()):
    return write_workbook(tmp_path / "history.xlsx", {"签约项目": (AGREEMENTS, agreements), "结对共建": (PAIRINGS, pairings),
                                                      "年度清单": (LISTS, lists)})


def run(path, user=None):
    return HistoryImporter(user).run(str(path), limits=command_limits())


@pytest.fixture
def branch(world):
    return OrganizationFactory(name="市经信局机关第一党支部", kind=OrgKind.PARTY_ORG)


def agreement_rows(w):
    return [
        [w.chain.name, "授信", "纽福斯流动资金授信", w.bank.name, w.nfs.uscc, 1200.5, datetime.date(2024, 5, 20), None,
         "银企对接会上签约。"],
        [w.chain.name, "cooperation", "临床研究合作", w.hospital.name, w.wz.name, None, "2024-11-02", "待确认", None],
    ]


def pairing_rows(w, branch):
    return [[branch.name, w.nfs.name, "纽福斯党支部", "2024-03-01", "2024-10-31", None],
            [branch.name, w.wz.uscc, "康宁医药党支部", "2024-06-01", None, "“1+1”结对共建"]]


def list_rows(w):
    chain, dept = w.chain.name, w.dept.name
    return [
        [chain, 2024, "服务项目清单", None, "1", None, "园区建设", dept, 1, None, None, None, None, None],
        [chain, 2024, "service", None, "1.1", "1", "标准厂房", dept, 3, "建成厂房5万平方米", 100, "已完成", "2024-11-20",
         "2024-03-31 完成选址（2024-03-28完成）；2024-11-30 竣工（2024-11-20完成）"],
        [chain, 2024, "service", None, "1.2", "1", "园区道路", dept, 1, None, 40, None, None,
         "2024-06-30 开工（2024-07-02完成）；2024-12-31 通车"],
    ]


def test_past_agreements_are_kept_from_the_day_signed_and_count_in_that_year(world, tmp_path):
    keys = ["agreements_credit_n", "agreements_credit_fen", "agreements_cooperation_n"]
    this_year = [v.value for v in compute_all(Period.year(2026), Scope(), keys).values]

    result = run(workbook(tmp_path, agreements=agreement_rows(world)))

    assert result.errors == [] and result.others[0] == ["past agreements", 2, 0]
    credit = AgreementModel.objects.get(title="纽福斯流动资金授信")
    assert (credit.kind, credit.institution, credit.enterprise, credit.amount_fen, credit.signed_on, credit.status,
            credit.chain, credit.note) == (AgreementKind.CREDIT, world.bank, world.nfs, 1_200_500_000,
                                           datetime.date(2024, 5, 20), AgreementStatus.CONFIRMED, world.chain,
                                           "银企对接会上签约。")
    assert credit.created == credit.confirmed_at == at(2024, 5, 20, 9)
    assert [(h.history_type, h.history_date, h.history_change_reason) for h in credit.history.all()] == [
        ("+", at(2024, 5, 20, 9), IMPORTED)]
    pending = AgreementModel.objects.get(title="临床研究合作")
    assert (pending.status, pending.confirmed_at, pending.amount_fen) == (AgreementStatus.PENDING, None, None)

    year = compute_all(Period.year(2024), Scope(), keys)
    assert [year.value(k) for k in keys] == [1, 1_200_500_000, 0]  # a pending agreement counts in no figure
    assert [v.value for v in compute_all(Period.year(2026), Scope(), keys).values] == this_year


def test_past_pairings_keep_their_days_and_count_while_current(world, branch, tmp_path):
    result = run(workbook(tmp_path, pairings=pairing_rows(world, branch)))

    assert result.errors == [] and result.others[0] == ["past pairings", 2, 0]
    ended = Pairing.objects.get(enterprise=world.nfs)
    assert (ended.agency_branch, ended.enterprise_branch, ended.started_on, ended.ended_on, ended.created) == (
        branch, "纽福斯党支部", datetime.date(2024, 3, 1), datetime.date(2024, 10, 31), at(2024, 3, 1, 9))
    assert [(h.history_type, h.history_date, h.ended_on, h.history_change_reason)
            for h in ended.history.order_by("history_date")] == [
        ("+", at(2024, 3, 1, 9), None, IMPORTED), ("~", at(2024, 10, 31, 9), datetime.date(2024, 10, 31), IMPORTED)]
    assert Pairing.objects.get(enterprise=world.wz).ended_on is None

    assert compute_all(Period.year(2024), Scope(), ["pairings"]).value("pairings") == 1  # on 2024-12-31
    assert compute_all(Period.quarter(2024, 3), Scope(), ["pairings"]).value("pairings") == 2  # on 09-30


def test_a_past_annual_list_keeps_its_items_milestones_and_progress(world, tmp_path):
    result = run(workbook(tmp_path, lists=list_rows(world)))

    assert result.errors == [] and result.others[0] == ["past annual list items", 3, 0]
    annual = AnnualList.objects.get(chain=world.chain, year=2024, kind=ListKind.SERVICE)
    assert (annual.title, annual.created) == ("2024年服务项目清单", at(2024, 1, 1, 9))
    items = {i.code: i for i in ListItem.objects.filter(annual_list=annual)}
    assert {c: (i.parent.code if i.parent else None, i.progress, i.status, i.weight) for c, i in items.items()} == {
        "1": (None, 85, ItemStatus.IN_PROGRESS, 1),  # (100 × 3 + 40 × 1) / 4, from its children
        "1.1": ("1", 100, ItemStatus.DONE, 3),
        "1.2": ("1", 40, ItemStatus.IN_PROGRESS, 1)}
    assert items["1.1"].history.earliest("history_date").history_date == at(2024, 1, 1, 9)
    assert [(m.due_on, m.title, m.done_on) for m in Milestone.objects.filter(item=items["1.1"])] == [
        (datetime.date(2024, 3, 31), "完成选址", datetime.date(2024, 3, 28)),
        (datetime.date(2024, 11, 30), "竣工", datetime.date(2024, 11, 20))]
    done = Milestone.objects.get(title="完成选址")
    assert [(h.history_date, h.done_on, h.history_change_reason) for h in done.history.order_by("history_date")] == [
        (at(2024, 1, 1, 9), None, IMPORTED), (at(2024, 3, 28, 9), datetime.date(2024, 3, 28), IMPORTED)]
    assert [(u.item.code, u.at, u.progress, u.status, u.text) for u in ItemUpdate.objects.order_by("item__code")] == [
        ("1.1", at(2024, 11, 20, 9), 100, ItemStatus.DONE, IMPORTED),
        ("1.2", at(2024, 7, 2, 9), 40, ItemStatus.IN_PROGRESS, IMPORTED)]  # the last milestone done


def test_every_bad_row_of_the_new_sheets_is_listed_and_nothing_written(world, branch, tmp_path):
    w = world
    agreements = [*agreement_rows(w),
                  [w.chain.name, "贷款", "甲", w.bank.name, "无此企业", -5, "2099-01-01", None, None],
                  [w.chain.name, "credit", "乙", w.nfs.name, w.nfs.name, 10, "2024-01-01", None, None],
                  [w.chain.name, "credit", "丙", w.bank.name, w.nfs.name, 10.1234567, "2024-01-01", "作废", None]]
    pairings = [*pairing_rows(w, branch), [w.bank.name, w.nfs.name, "支部", "2024-05-01", "2024-04-01", None]]
    item = [w.chain.name, 2024, "service", None, "3", None, "人才公寓", w.dept.name, None, None, None, None, None, None]
    lists = [*list_rows(w),
             item[:4] + ["1.1"] + item[5:],
             item[:5] + ["9"] + item[6:],
             item[:10] + [100, "in_progress"] + item[12:],
             item[:1] + [2099] + item[2:13] + ["2024-13-01 坏日期"],
             item[:4] + ["4", "5"] + item[6:],
             item[:4] + ["5", "4"] + item[6:]]
    before = (AgreementModel.objects.count(), Pairing.objects.count(), AnnualList.objects.count())

    result = run(workbook(tmp_path, agreements, pairings, lists))

    assert [(e.sheet, e.row, sorted(e.messages)) for e in result.errors] == [
        ("签约项目", 4, ["企业: No enterprise has the name or credit code 无此企业.",
                     "签约日期: A date in the future (2099-01-01).",
                     "签约类型: '贷款' is not a known value.",
                     "金额（万元）: Ensure this value is greater than or equal to 0."]),
        ("签约项目", 5, ["签约机构: An agreement needs two different parties."]),
        ("签约项目", 6, ["状态: '作废' is not a known value.", "金额（万元）: Give the amount to the fen at most."]),
        ("结对共建", 4, ["机关党支部: No party organisation or department has the name 明湖农商银行.",
                     "结束日期: The end date cannot be before the start date."]),
        ("年度清单", 5, ["Same record as row 3."]),
        ("年度清单", 6, ["上级序号: No item of the list or of the file has the number 9."]),
        ("年度清单", 7, ["状态: A done item is at 100 %, and an item at 100 % is done."]),
        ("年度清单", 8, ["年度: A year in the future (2099).",
                     "节点: '2024-13-01 坏日期' is not a date followed by a milestone (2026-03-31 完成选址)."]),
        ("年度清单", 9, ["上级序号: An item cannot be under itself."]),
        ("年度清单", 10, ["上级序号: An item cannot be under itself."]),
    ]
    assert (AgreementModel.objects.count(), Pairing.objects.count(), AnnualList.objects.count()) == before


def test_the_new_sheets_imported_twice_are_refused_row_by_row(world, branch, tmp_path):
    path = workbook(tmp_path, agreement_rows(world), pairing_rows(world, branch), list_rows(world))
    assert run(path).errors == []

    result = run(path)

    assert [(e.sheet, e.row, e.messages) for e in result.errors] == [
        *[("签约项目", n, ["The platform has this one already, on the same day."]) for n in (2, 3)],
        *[("结对共建", n, ["The platform has this one already, on the same day."]) for n in (2, 3)],
        *[("年度清单", n, ["The platform has this list of the year already."]) for n in (2, 3, 4)],
    ]
    assert (AgreementModel.objects.count(), Pairing.objects.count(), ListItem.objects.count()) == (2, 2, 3)


def test_a_parent_item_takes_no_progress_of_its_own_and_a_done_one_has_its_day(world, tmp_path):
    rows = list_rows(world)
    rows[0][10] = 50  # the parent's progress
    rows[1][12] = None  # done, on no day
    rows[2][11] = "已完成"
    rows[2][10] = None

    result = run(workbook(tmp_path, lists=rows))

    assert [(e.row, e.messages) for e in result.errors] == [
        (2, ["A parent item's progress and status come from its children."]),
        (3, ["完成日期: Give the day a done item was done."]),
        (4, ["完成日期: Give the day a done item was done."]),
    ]


def test_only_the_operator_or_an_admin_imports_the_new_sheets(world, tmp_path):
    path = workbook(tmp_path, agreement_rows(world))
    for user in (world.users.office, world.users.enterprise):
        with pytest.raises(PermissionDenied):
            run(path, user)
    assert AgreementModel.objects.count() == 0
    assert run(path, world.users.admin).errors == []
