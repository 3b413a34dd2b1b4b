"""Excel import of organisations and people — service, page and CLI: every row good, or nothing written."""

import datetime
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from chainserve.core import importing
from chainserve.registry import services
from chainserve.registry.choices import ListingStatus, OrgKind
from chainserve.registry.models import Organization, Person
from chainserve.registry.tests.factories import make_uscc, wrong_check_char
from chainserve.registry.tests.test_validators import NOT_VALID

ORG_HEADER = [
    "名称",
    "类型",
    "统一社会信用代码",
    "所在区",
    "园区",
    "成立日期",
    "员工人数",
    "上市状态",
    "标签",
]
GOOD_ROWS = [
    [
        "明湖澄瑞生物科技有限公司",
        "Enterprise",
        make_uscc(101),
        "东湖区",
        "光谷生物城",
        datetime.date(2019, 7, 1),
        45,
        "Reserve-listed",
        "高新技术企业、专精特新",
    ],
    ["明湖研究院", "university", "", "西湖区", "", "", "", "", ""],
]


def xlsx_bytes(header, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def workbook(tmp_path):
    """workbook(header, rows) → the path of an .xlsx file holding them."""
    counter = iter(range(1000))

    def make(header, rows):
        path = tmp_path / f"book{next(counter)}.xlsx"
        path.write_bytes(xlsx_bytes(header, rows))
        return path

    return make


def test_import_of_good_rows_creates_every_organisation(world, workbook):
    # given
    path = workbook(ORG_HEADER, GOOD_ROWS)
    count = Organization.objects.count()

    # when
    result = services.import_organizations(path, world.users.office)

    # then
    assert (result.ok, result.total, result.created, result.updated) == (True, 2, 2, 0)
    assert Organization.objects.count() == count + 2
    firm = Organization.objects.get(uscc=make_uscc(101))
    assert (
        firm.name,
        firm.kind,
        firm.district,
        firm.park,
        firm.founded_on,
        firm.employees,
        firm.listing_status,
    ) == (
        "明湖澄瑞生物科技有限公司",
        "enterprise",
        world.dong,
        world.park,
        datetime.date(2019, 7, 1),
        45,
        "reserve",
    )
    assert list(firm.labels.order_by("slug")) == [world.hitech, world.srdi]
    assert firm.search_text.startswith(
        "明湖澄瑞生物科技有限公司 minghuchengruishengwukejiyouxiangongsi mhcrswkjyxgs"
    )
    institute = Organization.objects.get(name="明湖研究院")
    assert (institute.kind, institute.uscc, institute.district, institute.listing_status) == (
        "university",
        None,
        world.xi,
        "none",
    )
    assert firm.history.get().history_user == world.users.office


def test_one_bad_row_lists_every_bad_row_and_writes_nothing(world, workbook):
    # given two good rows and four bad ones
    rows = [
        GOOD_ROWS[0],
        ["坏码企业有限公司", "enterprise", wrong_check_char(make_uscc(102)), "", "", "", "", "", ""],
        GOOD_ROWS[1],
        ["无码企业有限公司", "enterprise", "", "", "", "", "", "", ""],
        [
            "未知区企业有限公司",
            "enterprise",
            make_uscc(103),
            "火星区",
            "",
            "",
            "",
            "",
            "独角兽、高新技术企业",
        ],
        ["", "enterprise", make_uscc(104), "", "", "", "-5", "", ""],
    ]
    path = workbook(ORG_HEADER, rows)
    count, people = Organization.objects.count(), Person.objects.count()

    # when
    result = services.import_organizations(path, world.users.office)

    # then
    assert not result.ok
    assert result.total == 6
    assert [(e.row, e.messages) for e in result.errors] == [
        (
            3,
            [
                "统一社会信用代码: The check character of this unified social credit code is wrong: it should be "
                f"{make_uscc(102)[-1]}."
            ],
        ),
        (5, ["统一社会信用代码: An enterprise needs its unified social credit code."]),
        (6, ["所在区: There is no region called 火星区.", "标签: Unknown labels: 独角兽."]),
        (7, ["名称: This field is required.", "员工人数: Ensure this value is greater than or equal to 0."]),
    ]
    assert (result.created, result.updated) == (0, 0)
    assert Organization.objects.count() == count
    assert Person.objects.count() == people
    assert not Organization.objects.filter(uscc=make_uscc(101)).exists()


def test_a_known_uscc_updates_the_organisation_instead_of_adding_one(world, workbook):
    # given 纽福斯 is in the registry with its code
    path = workbook(
        ["名称", "统一社会信用代码", "员工人数"],
        [["武汉纽福斯生物科技股份有限公司", world.nfs.uscc.lower(), 150]],
    )
    count = Organization.objects.count()

    # when
    result = services.import_organizations(path, world.users.office)

    # then
    assert (result.ok, result.created, result.updated) == (True, 0, 1)
    assert Organization.objects.count() == count
    world.nfs.refresh_from_db()
    assert (world.nfs.name, world.nfs.employees) == ("武汉纽福斯生物科技股份有限公司", 150)
    assert world.nfs.search_text.startswith("武汉纽福斯生物科技股份有限公司 ")
    assert world.nfs.history.first().history_user == world.users.office


def test_an_update_keeps_what_the_workbook_does_not_say(world, workbook):
    # given a workbook with neither a kind nor a listing status column
    path = workbook(["名称", "统一社会信用代码"], [["武汉纽福斯生物科技有限公司", world.nfs.uscc]])

    # when
    services.import_organizations(path, world.users.office)

    # then the listed enterprise keeps its kind, listing status, district, park and labels
    world.nfs.refresh_from_db()
    assert (
        world.nfs.kind,
        world.nfs.listing_status,
        world.nfs.district,
        world.nfs.park,
        world.nfs.employees,
    ) == ("enterprise", "listed", world.dong, world.park, 120)
    assert list(world.nfs.labels.order_by("slug")) == [world.hitech, world.srdi]


def test_an_update_of_a_bank_keeps_its_kind(world, workbook):
    # given a bank with a credit code, updated from a sheet without a kind column
    world.bank.uscc = make_uscc(105)
    world.bank.save()
    path = workbook(["名称", "统一社会信用代码"], [["明湖农村商业银行", make_uscc(105)]])

    services.import_organizations(path, world.users.office)

    world.bank.refresh_from_db()
    assert (world.bank.name, world.bank.kind) == ("明湖农村商业银行", "financial")


def test_kinds_and_listing_status_are_read_in_chinese_whatever_the_active_language(world, workbook):
    # given the Chinese labels (企业, 储备上市) as staff write them, while English is active
    with translation.override("zh-hans"):
        kind, listing = str(OrgKind.FINANCIAL.label), str(ListingStatus.RESERVE.label)
    path = workbook(["名称", "类型", "上市状态"], [["明湖新设银行", kind, listing]])

    # when
    result = services.import_organizations(path, world.users.office)

    # then
    assert result.ok, result.errors
    assert Organization.objects.filter(name="明湖新设银行").values_list("kind", "listing_status").get() == (
        "financial",
        "reserve",
    )


def test_choices_are_read_by_value_or_by_label_in_every_language():
    # given a choice whose label Django itself translates (Yes → 是)
    from django.utils.translation import gettext_lazy

    # when / then: the label in either language, and the value, all mean the choice
    assert importing.choice_lookup([("y", gettext_lazy("Yes"))]) == {"y": "y", "yes": "y", "是": "y"}


def test_the_same_uscc_twice_in_one_file_is_an_error(world, workbook):
    path = workbook(
        ["名称", "统一社会信用代码"],
        [["甲公司", make_uscc(110)], ["乙公司", make_uscc(111)], ["甲公司(重复)", make_uscc(110)]],
    )
    count = Organization.objects.count()

    result = services.import_organizations(path, world.users.office)

    assert [(e.row, e.messages) for e in result.errors] == [(4, ["Same record as row 2."])]
    assert Organization.objects.count() == count


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(world, workbook):
    path = workbook(
        ["名称", "统一社会信用代码"], [["甲公司", make_uscc(112)], [None, None], ["乙公司", "bad"]]
    )

    result = services.import_organizations(path, world.users.office)

    assert result.total == 2
    assert [(e.row, e.messages) for e in result.errors] == [
        (4, ["统一社会信用代码: A unified social credit code has 18 characters; this one has 3."])
    ]


def test_a_check_only_import_writes_nothing_and_previews_the_rows(world, workbook):
    path = workbook(ORG_HEADER, GOOD_ROWS)
    count = Organization.objects.count()

    result = services.import_organizations(path, world.users.office, commit=False)

    assert (result.ok, result.total, result.created) == (True, 2, 0)
    assert result.preview[1] == {
        "name": "明湖研究院",
        "kind": "university",
        "uscc": "",
        "district": "西湖区",
        "park": "",
        "founded_on": "",
        "employees": "",
        "listing_status": "",
        "labels": "",
    }
    assert Organization.objects.count() == count


def test_a_file_that_is_not_a_workbook_is_a_clear_error(world, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"name,uscc\n not a zip file")

    with pytest.raises(importing.WorkbookError) as raised:
        services.import_organizations(path, world.users.office)

    assert str(raised.value) == "This file cannot be read as an Excel workbook (BadZipFile)."


def test_a_workbook_without_a_name_column_is_refused(world, workbook):
    path = workbook(["统一社会信用代码", "员工人数"], [[make_uscc(113), 3]])

    with pytest.raises(importing.WorkbookError) as raised:
        services.import_organizations(path, world.users.office)

    assert str(raised.value) == "The first row must name the columns; a '名称' column is required."


def test_an_empty_workbook_is_refused(world, workbook):
    path = workbook([], [])

    with pytest.raises(importing.WorkbookError) as raised:
        services.import_organizations(path, world.users.office)

    assert str(raised.value) == "The workbook is empty."


def test_people_are_found_by_organisation_name_or_credit_code(world, workbook):
    # given one person by the organisation's name, one by its credit code, and one already known (updated)
    rows = [
        ["赵敏", "明湖农商银行", "行长", "027-87650000", "zm@example.cn"],
        ["钱进", world.nfs.uscc.lower(), "研发总监", 13912345678, ""],
        ["王思远", world.nfs.name, "董事长", "", ""],
    ]
    path = workbook(["姓名", "单位", "职务", "电话", "邮箱"], rows)
    count = Person.objects.count()

    # when
    result = services.import_people(path, world.users.office)

    # then
    assert (result.ok, result.created, result.updated) == (True, 2, 1)
    assert Person.objects.count() == count + 2
    assert Person.objects.filter(name="赵敏").values_list("organization", "title", "phone").get() == (
        world.bank.pk,
        "行长",
        "+862787650000",
    )
    assert Person.objects.filter(name="钱进").values_list("organization", "phone").get() == (
        world.nfs.pk,
        "+8613912345678",
    )
    world.p_nfs.refresh_from_db()
    assert (world.p_nfs.title, world.p_nfs.phone) == ("董事长", "")
    assert Person.objects.get(name="赵敏").history.get().history_user == world.users.office


def test_people_with_an_unknown_organisation_or_a_bad_phone_write_nothing(world, workbook):
    rows = [
        ["赵敏", "明湖农商银行", "行长", "", ""],
        ["孙丽", "不存在公司", "", "", ""],
        ["周强", "明湖农商银行", "", "12345", ""],
    ]
    path = workbook(["姓名", "单位", "职务", "电话", "邮箱"], rows)
    count = Person.objects.count()

    result = services.import_people(path, world.users.office)

    assert [(e.row, e.messages) for e in result.errors] == [
        (3, ["单位: No organisation has the name or credit code 不存在公司."]),
        (4, [f"电话: {NOT_VALID}"]),
    ]
    assert Person.objects.count() == count


# --- the page ---------------------------------------------------------------------------------------------

IMPORT = "/registry/import/"


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_page_lists_the_bad_rows_and_writes_nothing(world, client_as, settings):
    # given
    rows = [GOOD_ROWS[0], ["坏码企业有限公司", "enterprise", wrong_check_char(make_uscc(102))]]
    count = Organization.objects.count()

    # when
    response = client_as(world.users.office).post(
        IMPORT, {"kind": "organizations", "file": upload("firms.xlsx", xlsx_bytes(ORG_HEADER, rows))}
    )

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 bad row: nothing was imported." in html
    assert (
        "<tr><td>3</td><td><div>统一社会信用代码: The check character of this unified social credit code is wrong: "
        f"it should be {make_uscc(102)[-1]}.</div></td></tr>"
    ) in html
    assert 'name="confirm"' not in html
    assert Organization.objects.count() == count
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []  # the upload is not kept


def test_the_page_previews_good_rows_and_writes_them_on_confirm(world, client_as, settings):
    client = client_as(world.users.office)
    count = Organization.objects.count()

    # when the workbook is checked
    preview = client.post(
        IMPORT, {"kind": "organizations", "file": upload("firms.xlsx", xlsx_bytes(ORG_HEADER, GOOD_ROWS))}
    )

    # then nothing is written yet, and the confirmation is offered
    assert preview.status_code == 200
    assert "All 2 rows are good." in preview.content.decode()
    assert Organization.objects.count() == count
    token = preview.context["token"]

    # when it is confirmed
    done = client.post(IMPORT, {"confirm": token})

    # then
    assert done.status_code == 302
    assert done["Location"] == "/registry/organizations/"
    assert Organization.objects.count() == count + 2
    assert list((settings.MEDIA_ROOT / "imports").iterdir()) == []
    # the same confirmation cannot be replayed
    assert client.post(IMPORT, {"confirm": token}).status_code == 404
    assert Organization.objects.count() == count + 2


def test_the_page_refuses_a_file_that_is_not_a_workbook(world, client_as):
    count = Organization.objects.count()

    response = client_as(world.users.office).post(
        IMPORT, {"kind": "organizations", "file": upload("firms.xlsx", b"not a zip")}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert (
        response.context["form"].errors["file"][0].startswith("This file cannot be read as an Excel workbook")
    )
    assert Organization.objects.count() == count


def test_the_page_refuses_other_file_types(world, client_as):
    response = client_as(world.users.office).post(
        IMPORT, {"kind": "organizations", "file": upload("firms.csv", b"name\nx")}
    )

    assert response.context["form"].errors == {"file": ["Only .xlsx workbooks can be imported."]}


@pytest.mark.parametrize("role", ["handler", "enterprise", "partner", "specialist"])
def test_only_editors_may_import(world, client_as, role):
    count = Organization.objects.count()
    client = client_as(getattr(world.users, role))

    assert client.get(IMPORT).status_code == 403
    response = client.post(
        IMPORT, {"kind": "organizations", "file": upload("firms.xlsx", xlsx_bytes(ORG_HEADER, GOOD_ROWS))}
    )
    assert response.status_code == 403
    assert Organization.objects.count() == count


# --- the command line -------------------------------------------------------------------------------------


def test_cli_imports_a_good_workbook(world, workbook):
    path = workbook(ORG_HEADER, GOOD_ROWS)
    out = StringIO()
    count = Organization.objects.count()

    call_command(
        "import_registry", "organizations", str(path), "--user", "office", stdout=out, stderr=StringIO()
    )

    assert out.getvalue() == "Imported 2 rows: 2 created, 0 updated.\n"
    assert Organization.objects.count() == count + 2
    assert Organization.objects.get(uscc=make_uscc(101)).history.get().history_user == world.users.office


def test_cli_lists_the_bad_rows_and_writes_nothing(world, workbook):
    path = workbook(
        ORG_HEADER, [GOOD_ROWS[0], ["无码企业有限公司", "enterprise"], ["", "enterprise", make_uscc(120)]]
    )
    err = StringIO()
    count = Organization.objects.count()

    with pytest.raises(CommandError) as raised:
        call_command("import_registry", "organizations", str(path), stdout=StringIO(), stderr=err)

    assert str(raised.value) == "2 bad rows of 3: nothing was imported."
    assert err.getvalue() == (
        "row 3: 统一社会信用代码: An enterprise needs its unified social credit code.\n"
        "row 4: 名称: This field is required.\n"
    )
    assert Organization.objects.count() == count


def test_cli_check_only_writes_nothing(world, workbook):
    path = workbook(ORG_HEADER, GOOD_ROWS)
    out = StringIO()
    count = Organization.objects.count()

    call_command("import_registry", "organizations", str(path), "--check", stdout=out, stderr=StringIO())

    assert out.getvalue() == "All 2 rows are good.\n"
    assert Organization.objects.count() == count


def test_cli_updates_by_uscc_instead_of_doubling(world, workbook):
    path = workbook(["名称", "统一社会信用代码", "员工人数"], [[world.wz.name, world.wz.uscc, 31]])
    out = StringIO()
    count = Organization.objects.count()

    call_command("import_registry", "organizations", str(path), stdout=out, stderr=StringIO())
    call_command("import_registry", "organizations", str(path), stdout=out, stderr=StringIO())

    assert out.getvalue() == ("Imported 1 rows: 0 created, 1 updated.\n" * 2)
    assert Organization.objects.count() == count
    assert Organization.objects.get(pk=world.wz.pk).employees == 31


def test_cli_imports_people(world, workbook):
    path = workbook(["姓名", "单位", "手机"], [["钱进", world.nfs.uscc, "13912345678"]])
    out = StringIO()

    call_command("import_registry", "people", str(path), stdout=out, stderr=StringIO())

    assert out.getvalue() == "Imported 1 rows: 1 created, 0 updated.\n"
    assert Person.objects.get(name="钱进").organization == world.nfs


def test_cli_refuses_a_file_that_is_not_a_workbook(world, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a workbook")

    with pytest.raises(CommandError) as raised:
        call_command("import_registry", "organizations", str(path), stdout=StringIO(), stderr=StringIO())

    assert str(raised.value).startswith("This file cannot be read as an Excel workbook (")


def test_cli_names_a_missing_file(world, tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_registry",
            "organizations",
            str(tmp_path / "nope.xlsx"),
            stdout=StringIO(),
            stderr=StringIO(),
        )

    assert str(raised.value) == f"No such file: {tmp_path / 'nope.xlsx'}"


def test_cli_refuses_an_unknown_user(world, workbook):
    path = workbook(ORG_HEADER, GOOD_ROWS)
    count = Organization.objects.count()

    with pytest.raises(CommandError) as raised:
        call_command("import_registry", "organizations", str(path), "--user", "nobody", stdout=StringIO())

    assert str(raised.value) == "No user nobody."
    assert Organization.objects.count() == count


def test_headers_match_in_full_width_and_half_width_forms(workbook):
    # given headers as the help text writes them now (full-width brackets) and as older sheets have them
    aliases = {"name": ["名称"], "amount": ["投资额(元)"], "note": ["备注（可选）"]}
    path = workbook([" 名称 ", "投资额（元）", "备注(可选)"], [["甲公司", 100, "无"]])

    # when
    rows = list(importing.read_workbook(path, aliases))

    # then
    assert rows == [(2, {"name": "甲公司", "amount": 100, "note": "无"})]


def test_a_workbook_changes_no_organisation_outside_the_office_s_scope(world, workbook):
    # given a firm only on the district chain, which the city office does not staff
    from chainserve.chains.tests.factories import PlacementFactory
    from chainserve.registry.tests.factories import OrganizationFactory

    other = OrganizationFactory(name="明湖远山生物有限公司", uscc=make_uscc(120), employees=7)
    PlacementFactory(segment=world.s_trial, organization=other)
    firms = workbook(ORG_HEADER, [GOOD_ROWS[0], ["明湖远山生物有限公司", "企业", other.uscc, "", "", "", 900, "", ""]])
    people = workbook(["姓名", "单位", "职务"], [["赵敏", world.nfs.name, "总监"], ["钱进", other.uscc, "经理"]])
    counts = (Organization.objects.count(), Person.objects.count())

    # when the city office imports them
    firm_result = services.import_organizations(firms, world.users.office)
    people_result = services.import_people(people, world.users.office)

    # then the rows reaching past its scope are bad rows, and nothing is written
    assert [(e.row, e.messages) for e in firm_result.errors] == [
        (3, [f"{other.uscc} is an organisation you may not change (it is kept by another chain office)."])]
    assert [(e.row, e.messages) for e in people_result.errors] == [
        (3, ["You may not change the people of this organisation (it is kept by another chain office)."])]
    assert (Organization.objects.count(), Person.objects.count()) == counts
    other.refresh_from_db()
    assert other.employees == 7
    # an admin may, and so may the operator at the command line (no user)
    assert services.import_organizations(firms, world.users.admin).errors == []
    assert services.import_people(people, None).errors == []
