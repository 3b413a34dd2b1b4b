"""The organisation workbook's products sheet (产品): products of organisations on file or on the first sheet,
checked by the product form, written with the organisations or — one bad row on either sheet — not at all."""

import datetime
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from chainserve.chains.tests.factories import PlacementFactory
from chainserve.core.importing import RowError, count_rows
from chainserve.core.uploads import request_limits
from chainserve.registry import services
from chainserve.registry.models import Organization, Product
from chainserve.registry.tests.factories import OrganizationFactory, ProductFactory, make_uscc

ORGS = [["名称", "统一社会信用代码", "所在区"], ["明湖澄瑞生物科技有限公司", make_uscc(101), "东湖区"]]
PRODUCT_HEADER = ["企业", "产品名称", "产品类型", "适应症", "注册分类", "研发阶段", "加快上市程序", "获批日期"]


def two_sheets(orgs, products, title="产品"):
    wb = Workbook()
    wb.active.title = "企业"
    for row in orgs:
        wb.active.append(row)
    ws = wb.create_sheet(title)
    ws.append(PRODUCT_HEADER)
    for row in products:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def book(tmp_path):
    def make(orgs, products, title="产品"):
        path = tmp_path / "book.xlsx"
        path.write_bytes(two_sheets(orgs, products, title))
        return path

    return make


def products():
    return sorted(Product.objects.values_list("organization__name", "name", "kind", "drug_class", "phase",
                                              "expedited", "approved_on"))


def test_products_of_new_and_known_organisations_are_imported_with_them(world, book):
    path = book(ORGS, [
        [make_uscc(101), "CR-001", "药品", "实体瘤", "Biological product class 1", "phase2", "突破性治疗药物、priority",
         None],
        ["明湖澄瑞生物科技有限公司", "CR-002", "", "", "", "preclinical", "", None],
        [world.nfs.name, "NR082", "drug", "视神经病变", "bio1", "approved", "", datetime.date(2026, 5, 10)],
    ])

    result = services.import_organizations(path, world.users.office)

    assert (result.ok, result.total, result.created, result.updated, result.others) == (
        True, 4, 1, 0, [["products", 3, 0]])
    assert products() == [
        ("明湖澄瑞生物科技有限公司", "CR-001", "drug", "bio1", "phase2", ["breakthrough", "priority"], None),
        ("明湖澄瑞生物科技有限公司", "CR-002", "drug", "", "preclinical", [], None),
        ("武汉纽福斯生物科技有限公司", "NR082", "drug", "bio1", "approved", [], datetime.date(2026, 5, 10)),
    ]
    assert Product.objects.get(name="NR082").history.first().history_user == world.users.office
    assert Product.objects.get(name="NR082").approval_type == "marketing"  # an approved product's date


def test_a_clinical_trial_approval_is_read_with_its_type(world, tmp_path):
    wb = Workbook()
    wb.active.append(["名称"])
    ws = wb.create_sheet("产品")
    ws.append(["企业", "产品名称", "研发阶段", "批准类型", "获批日期"])
    ws.append([world.nfs.uscc, "NR090", "I期临床", "临床试验批准", datetime.date(2026, 3, 2)])
    path = tmp_path / "book.xlsx"
    wb.save(path)

    result = services.import_organizations(path, world.users.office)

    assert result.errors == []
    assert list(Product.objects.filter(name="NR090").values_list("phase", "approval_type", "approved_on")) == [
        ("phase1", "clinical_trial", datetime.date(2026, 3, 2))]


def test_a_product_of_the_same_name_at_the_same_organisation_is_replaced(world, book):
    ProductFactory(organization=world.nfs, name="NR082", phase="phase3", indication="旧适应症")

    result = services.import_organizations(book(ORGS, [[world.nfs.uscc, "NR082", "", "", "", "nda", "", None]]),
                                           world.users.office)

    assert (result.ok, result.others) == (True, [["products", 0, 1]])
    assert products()[-1] == ("武汉纽福斯生物科技有限公司", "NR082", "drug", "", "nda", [], None)


def test_one_bad_product_row_writes_neither_sheet_and_lists_every_bad_row(world, book):
    path = book([*ORGS, ["", make_uscc(102), ""]], [
        [make_uscc(101), "CR-001", "", "", "", "phase2", "", None],
        ["明湖无此企业", "X-1", "", "", "", "", "", None],
        [world.nfs.uscc, "X-2", "", "", "", "phase9", "", None],
        [world.nfs.uscc, "X-3", "", "", "", "phase2", "", datetime.date(2026, 1, 1)],
        [world.nfs.uscc, "X-4", "", "", "", "", "快速", None],
        ["明湖澄瑞生物科技有限公司", "CR-001", "", "", "", "", "", None],
    ])
    orgs_before = Organization.objects.count()

    result = services.import_organizations(path, world.users.office)

    assert not result.ok
    assert result.errors == [
        RowError(3, ["名称: This field is required."]),
        RowError(3, ["企业: No organisation has the name or credit code 明湖无此企业."], "产品"),
        RowError(4, ["研发阶段: Select a valid choice. phase9 is not one of the available choices."], "产品"),
        RowError(5, ["获批日期: Only an approved product has an approval date, unless its approval type is a "
                     "clinical-trial approval."], "产品"),
        RowError(6, ["加快上市程序: Select a valid choice. 快速 is not one of the available choices."], "产品"),
        RowError(7, ["Same record as row 2."], "产品"),
    ]
    assert [e.where for e in result.errors[:2]] == [3, "产品, row 3"]
    assert (Organization.objects.count(), Product.objects.count()) == (orgs_before, 0)


def test_only_a_bad_product_row_still_writes_no_organisation(world, book):
    orgs_before = Organization.objects.count()

    result = services.import_organizations(book(ORGS, [[make_uscc(101), "CR-001", "", "", "", "phase9", "", None]]),
                                           world.users.office)

    assert [(e.sheet, e.row) for e in result.errors] == [("产品", 2)]
    assert (Organization.objects.count(), Product.objects.count()) == (orgs_before, 0)


def test_products_of_a_firm_kept_by_another_office_are_bad_rows(world, book):
    firm = OrganizationFactory(name="西湖临床研究有限公司", uscc=make_uscc(77))
    PlacementFactory(segment=world.s_trial, organization=firm)

    result = services.import_organizations(book(ORGS, [[firm.uscc, "XH-1", "", "", "", "", "", None]]),
                                           world.users.office)

    assert result.errors == [RowError(2, [
        "You may not change the products of this organisation (it is kept by another chain office)."], "产品")]
    assert Product.objects.count() == 0


def test_a_name_two_organisations_share_asks_for_the_credit_code(world, book):
    OrganizationFactory(name="同名公司", uscc=make_uscc(81))
    OrganizationFactory(name="同名公司", uscc=make_uscc(82))

    result = services.import_organizations(book(ORGS, [["同名公司", "T-1", "", "", "", "", "", None]]),
                                           world.users.office)

    assert result.errors == [RowError(2, ["企业: Several organisations are called 同名公司: give its credit code."],
                                      "产品")]


def test_the_sheet_is_found_by_its_english_name_and_a_workbook_without_it_imports_as_before(world, book, tmp_path):
    result = services.import_organizations(book(ORGS, [[world.nfs.uscc, "NR082", "", "", "", "", "", None]],
                                                "Products"), world.users.office)
    assert (result.ok, result.others) == (True, [["products", 1, 0]])

    other = services.import_organizations(book(ORGS, [], "说明"), world.users.office)
    assert (other.ok, other.created, other.updated, other.others) == (True, 0, 1, [])


def test_the_command_lists_a_bad_product_row_by_sheet_and_writes_nothing(world, book):
    path = book(ORGS, [["明湖无此企业", "X-1", "", "", "", "", "", None]])
    err = StringIO()

    with pytest.raises(CommandError, match="1 bad rows of 2"):
        call_command("import_registry", "organizations", str(path), stderr=err)

    assert err.getvalue() == "sheet 产品, row 2: 企业: No organisation has the name or credit code 明湖无此企业.\n"
    assert not Organization.objects.filter(uscc=make_uscc(101)).exists()


def test_the_page_lists_a_bad_product_row_with_its_sheet(world, client_as, book):
    path = book(ORGS, [["明湖无此企业", "X-1", "", "", "", "", "", None]])
    with path.open("rb") as f:
        page = client_as(world.users.office).post("/registry/import/", {"kind": "organizations", "file": f})

    assert page.status_code == 200
    assert "产品, row 2" in page.content.decode()
    assert Product.objects.count() == 0


def test_the_rows_of_both_sheets_count_toward_a_large_workbook(world, book):
    path = book(ORGS, [[world.nfs.uscc, f"P-{n}", "", "", "", "", "", None] for n in range(3)])

    assert count_rows(path, request_limits(), services.OrganizationImporter) == 4
    assert count_rows(path, request_limits()) == 1
