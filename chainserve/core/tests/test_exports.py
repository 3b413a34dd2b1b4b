"""Excel export: formulas neutralised, dates written as Excel can hold them."""

import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from chainserve.core.exports import safe_cell, workbook_bytes, xlsx_response


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("明湖 = 1", "明湖 = 1"),  # only a leading character is dangerous
        ("", ""),
        (-5, -5),  # numbers are numbers, even negative ones
        (1.5, 1.5),
        (None, None),
        (datetime.date(2026, 1, 2), datetime.date(2026, 1, 2)),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_an_aware_datetime_is_written_as_its_wall_clock_time():
    shanghai = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))

    assert safe_cell(shanghai) == datetime.datetime(2026, 3, 1, 9, 30)


def test_workbook_round_trip():
    # given
    rows = [['=HYPERLINK("x")', 3, datetime.date(2026, 1, 2)], ["明湖", -1, None]]

    # when
    data = workbook_bytes("a sheet title longer than thirty-one characters", ["名称", "=head"], rows)

    # then
    wb = load_workbook(BytesIO(data))
    sheet = wb.active
    assert sheet.title == "a sheet title longer than thirt"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("名称", "'=head", None),
        ('\'=HYPERLINK("x")', 3, datetime.datetime(2026, 1, 2, 0, 0)),
        ("明湖", -1, None),
    ]
    assert [c.data_type for c in sheet[2]] == ["s", "n", "d"]


def test_xlsx_response_is_an_attachment():
    response = xlsx_response("people", ["姓名"], [["王思远"]])

    assert response["Content-Disposition"] == 'attachment; filename="people.xlsx"'
    assert list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)) == [
        ("姓名",),
        ("王思远",),
    ]
