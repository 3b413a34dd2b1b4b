"""The sample history workbook, docs/samples/history-sample.xlsx: a past year (2024) of the demo's chain in every
sheet `chainserve import history` reads, its cells naming the demo's records (load the demo, then import it).

`python bench/history_sample.py` writes it again (the test tests/on_the_demo/test_history_sample.py loads the
file that ships, and checks it is the one this script writes); `write_workbook` is what the history tests build
their workbooks with.
"""

import datetime
import os
import sys
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "docs" / "samples" / "history-sample.xlsx"


def write_workbook(path, sheets):
    """An .xlsx of sheets {title: (header, rows)}, in that order; returns path."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, (header, rows) in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(header)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _sheet(headers, rows):
    """(the Chinese headers, rows in their order) of rows given as {field: value}, from the importer's aliases."""
    return [names[0] for names in headers.values()], [[row.get(f) for f in headers] for row in rows]


def sample_sheets():
    """{title: (header, rows)} of the sample year."""
    from chainserve.coordination.services.history.agreements import AGREEMENT_HEADERS, PAIRING_HEADERS
    from chainserve.coordination.services.history.lists import LIST_HEADERS
    from chainserve.coordination.services.history.occasions import ACTIVITY_HEADERS, MEETING_HEADERS
    from chainserve.demands.services.history import DEMAND_HEADERS
    from chainserve.demo import names as n

    firm, chain, day = n.DEMO_FIRM, n.CHAIN_NAME, datetime.date
    demands = [
        {"number": "LS2024-0001", "enterprise": firm, "category": "政策支持", "channel": "走访",
         "title": "研发费用加计扣除申报辅导", "description": "企业希望了解研发费用加计扣除的申报口径和材料。",
         "received": day(2024, 3, 4), "accepted": day(2024, 3, 5), "answered": day(2024, 3, 8),
         "closed": day(2024, 3, 15), "status": "已解决", "lead": n.ECONOMY, "co": n.TAX,
         "resolution": "税务部门上门辅导，企业已完成申报。", "rating": "满意", "rating_comment": "辅导及时。"},
        {"enterprise": firm, "category": "融资需求", "channel": "热线", "title": "设备购置中长期贷款",
         "description": "二期产线需要三千万元设备贷款。", "received": day(2024, 5, 6), "accepted": day(2024, 5, 6),
         "closed": day(2024, 7, 1), "status": "已办结，未解决", "lead": n.FINANCE,
         "resolution": "已推荐三家银行对接，企业暂缓融资。", "rating": "基本满意"},
        {"enterprise": firm, "category": "其他", "channel": "座谈会", "title": "咨询展会补贴",
         "description": "询问境外展会补贴政策。", "received": day(2024, 9, 2), "closed": day(2024, 9, 3),
         "status": "不予受理"},
    ]
    meetings = [
        {"committee": "明湖市大健康产业链党建工作协调委员会", "title": "2024年第一次联席会议", "date": day(2024, 4, 18),
         "time": "14:30", "location": "市政府3号会议室", "status": "已召开",
         "minutes": "会议研究了生物城新区标准厂房供给问题。", "attendees": f"{n.OFFICE}、{n.ECONOMY}"},
        {"committee": "明湖市大健康产业链党建工作协调委员会", "title": "2024年第二次联席会议", "date": day(2024, 11, 12),
         "status": "已取消", "cancel_reason": "与全市经济工作会议冲突。"},
    ]
    activities = [
        {"chain": chain, "kind": "银企对接", "title": "2024年生物医药银企对接会", "date": day(2024, 6, 20),
         "location": "明湖生物城", "organizer": n.PARTNER_BANK, "status": "已举办", "outcome": "现场达成授信意向五项。",
         "leads_found": 5, "demands_raised": 3},
    ]
    agreements = [
        {"chain": chain, "kind": "银行授信", "title": "澜泽基因流动资金授信", "institution": n.PARTNER_BANK,
         "enterprise": firm, "amount": 3000, "signed_on": day(2024, 6, 20), "note": "银企对接会上签约。"},
        {"chain": chain, "kind": "合作协议", "title": "基因治疗临床研究合作", "institution": n.UNION_HOSPITAL,
         "enterprise": firm, "signed_on": day(2024, 10, 15)},
    ]
    pairings = [
        {"agency_branch": n.AGENCY_BRANCHES[0], "enterprise": firm, "enterprise_branch": "澜泽基因党支部",
         "started_on": day(2024, 3, 1), "ended_on": day(2024, 12, 31), "note": "2024年度“1+1”结对共建"},
    ]
    item = {"chain": chain, "year": 2024, "kind": "服务项目清单", "list_title": f"{chain}2024年服务项目清单",
            "owner": n.ECONOMY}
    lists = [
        {**item, "code": "1", "name": "生物城新区标准厂房建设"},
        {**item, "code": "1.1", "parent": "1", "name": "一期标准厂房", "weight": 3, "target": "建成厂房5万平方米",
         "progress": 100, "status": "已完成", "done_on": day(2024, 11, 20),
         "milestones": "2024-03-31 完成选址（2024-03-28完成）；2024-11-30 竣工验收（2024-11-20完成）"},
        {**item, "code": "1.2", "parent": "1", "name": "园区配套道路", "weight": 1, "progress": 60,
         "milestones": "2024-06-30 开工（2024-07-02完成）；2024-12-31 通车"},
        {**item, "code": "2", "name": "生物医药人才公寓", "owner": n.HR, "progress": 0,
         "milestones": "2024-12-31 完成立项"},
    ]
    return {
        "诉求": _sheet(DEMAND_HEADERS, demands),
        "联席会议": _sheet(MEETING_HEADERS, meetings),
        "联建活动": _sheet(ACTIVITY_HEADERS, activities),
        "签约项目": _sheet(AGREEMENT_HEADERS, agreements),
        "结对共建": _sheet(PAIRING_HEADERS, pairings),
        "年度清单": _sheet(LIST_HEADERS, lists),
    }


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainserve.settings")
    import django

    django.setup()
    SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    print(write_workbook(SAMPLE, sample_sheets()))


if __name__ == "__main__":
    main()
