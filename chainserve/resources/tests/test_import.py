"""Excel import of the catalogue — service, page and CLI: every row good, or nothing written and every bad
row listed."""

import datetime
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from chainserve.resources import services
from chainserve.resources.choices import ItemStatus, ProductKind
from chainserve.resources.models import FinancialProduct, Policy

POLICY_HEADER = ["政策名称", "发布部门", "文号", "生效日期", "截止日期", "支持内容", "免申即享", "标签"]
PRODUCT_HEADER = ["产品名称", "金融机构", "产品类型", "最低金额(元)", "最高金额(元)", "期限", "标签"]


def workbook(header, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def state():
    return (sorted(Policy.objects.values_list("title", "document_number", "status")),
            sorted(FinancialProduct.objects.values_list("title", "amount_max")))


def test_a_good_workbook_creates_drafts_and_updates_the_same_item(cat):
    rows = [
        ["明湖市科技贷款贴息办法", "明湖市经济和信息化局", "明科规〔2026〕1号", datetime.date(2026, 1, 1),
         "2027-12-31", "贴息50%。", "是", "融资、贴息、科技贷款"],
        ["生物医药产业发展若干政策", "明湖市科学技术局", "明政规〔2026〕3号", "2026-01-01", "", "最高3000万元。", "否",
         ""],
    ]

    result = services.import_catalogue("policies", workbook(POLICY_HEADER, rows), cat.users.office)

    assert (result.ok, result.total, result.created, result.updated) == (True, 2, 1, 1)
    updated = Policy.objects.get(pk=cat.policy.pk)
    assert (updated.document_number, updated.granted_without_application, updated.status) == (
        "明科规〔2026〕1号", True, ItemStatus.PUBLISHED)
    assert sorted(updated.tag_names()) == ["科技贷款", "融资", "贴息"]
    new = Policy.objects.get(title="生物医药产业发展若干政策")
    assert (new.issuer, new.status, new.effective_from, new.effective_to, new.granted_without_application) == (
        cat.sci, ItemStatus.DRAFT, datetime.date(2026, 1, 1), None, False)
    assert new.history.first().history_user == cat.users.office


def test_every_bad_row_is_listed_and_nothing_is_written(cat):
    before = state()
    rows = [
        ["好产品", "明湖农商银行", "Credit loan", 100, 200, "1年", "融资"],  # good; a kind by its label
        ["", "明湖农商银行", "", "", "", "", ""],
        ["坏机构", "不存在的银行", "credit", "", "", "", ""],
        ["反了", "明湖农商银行", "credit", 500, 100, "", ""],
        ["怪类型", "明湖农商银行", "贷贷", "很多", "", "", ""],
        ["好产品", "明湖农商银行", "credit", "", "", "", ""],
    ]

    result = services.import_catalogue("financial-products", workbook(PRODUCT_HEADER, rows), cat.users.office)

    assert result.total == 6
    assert [(e.row, e.messages) for e in result.errors] == [
        (3, ["产品名称: This field is required."]),
        (4, ["金融机构: No bank / investor / fund is called 不存在的银行."]),
        (5, ["The largest amount cannot be below the smallest."]),
        (6, ["产品类型: Select a valid choice. 贷贷 is not one of the available choices.",
             "最低金额(元): Enter a whole number."]),
        (7, ["Same record as row 2."]),
    ]
    assert state() == before


def test_a_partner_imports_only_for_its_own_institution(cat):
    before = state()
    rows = [["新产品", "明湖农商银行", "credit", 100, 200, "", ""],
            ["别家产品", "明湖银行生物城支行", "credit", 100, 200, "", ""]]

    result = services.import_catalogue("financial-products", workbook(PRODUCT_HEADER, rows), cat.users.partner)

    assert [(e.row, e.messages) for e in result.errors] == [
        (3, ["金融机构: You may only import items of your own organisation."])]
    assert state() == before
    rows.pop()
    result = services.import_catalogue("financial-products", workbook(PRODUCT_HEADER, rows), cat.users.partner)
    assert (result.ok, result.created) == (True, 1)
    assert FinancialProduct.objects.get(title="新产品").kind == ProductKind.CREDIT


def test_the_import_page_lists_bad_rows_and_imports_good_workbooks(cat, client_as):
    client = client_as(cat.users.office)
    before = state()
    bad = SimpleUploadedFile("p.xlsx", workbook(POLICY_HEADER, [["新政策", "无此部门", "", "", "", "", "", ""]]).read())

    response = client.post("/resources/import/", {"kind": "policies", "file": bad})

    assert response.status_code == 200
    assert [(e.row, e.messages) for e in response.context["result"].errors] == [
        (2, ["发布部门: No government department is called 无此部门."])]
    assert "1 bad row: nothing was imported." in response.content.decode()
    assert state() == before

    good = SimpleUploadedFile("p.xlsx", workbook(POLICY_HEADER, [["新政策", "明湖市科学技术局", "", "", "", "", "", ""]]).read())
    preview = client.post("/resources/import/", {"kind": "policies", "file": good})
    assert "All 1 rows are good." in preview.content.decode()
    assert state() == before  # the preview writes nothing
    response = client.post("/resources/import/", {"confirm": preview.context["token"]})
    assert (response.status_code, response["Location"]) == (302, "/resources/policies/")
    assert Policy.objects.filter(title="新政策", issuer=cat.sci, status=ItemStatus.DRAFT).count() == 1


@pytest.mark.parametrize(("role", "status"), [("enterprise", 403), ("handler", 403), ("partner", 200),
                                              ("office", 200)])
def test_who_may_open_the_import_page(cat, client_as, role, status):
    assert client_as(getattr(cat.users, role)).get("/resources/import/").status_code == status


def test_the_cli_imports_or_lists_every_bad_row(cat, tmp_path):
    path = tmp_path / "products.xlsx"
    path.write_bytes(workbook(PRODUCT_HEADER, [["甲", "明湖农商银行", "", "", "", "", ""],
                                               ["乙", "无此行", "", "", "", "", ""]]).read())
    err = StringIO()
    with pytest.raises(CommandError, match="1 bad rows of 2: nothing was imported."):
        call_command("import_catalogue", "financial-products", str(path), stderr=err)
    assert err.getvalue() == "row 3: 金融机构: No bank / investor / fund is called 无此行.\n"
    assert FinancialProduct.objects.filter(title="甲").exists() is False

    path.write_bytes(workbook(PRODUCT_HEADER, [["甲", "明湖农商银行", "", "", "", "", ""]]).read())
    out = StringIO()
    call_command("import_catalogue", "financial-products", str(path), "--user", "office", stdout=out)
    assert out.getvalue() == "Imported 1 rows: 1 created, 0 updated.\n"
    assert FinancialProduct.objects.get(title="甲").history.first().history_user == cat.users.office
