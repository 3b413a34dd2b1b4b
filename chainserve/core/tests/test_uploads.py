"""Upload limits (core.uploads): hostile workbooks refused before or while they are read, files per request bounded,
long names kept with their extension, and every importer held to the same limits. Limits are set low so that the
hostile files stay a few kilobytes."""

import re
import zipfile
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from chainserve.core import uploads
from chainserve.core.tests.test_bad_input import PDF, text, written
from chainserve.demands.models import Attachment, Category
from chainserve.registry import services as registry
from chainserve.registry.models import Organization
from chainserve.registry.tests.test_import import ORG_HEADER, xlsx_bytes
from chainserve.resources import services as catalogue
from chainserve.resources.models import Policy

IMPORT = "/registry/import/"
COMMAND = "chainserve import organizations FILE.xlsx"


@pytest.fixture
def office(world, client_as):
    return client_as(world.users.office)


def bomb():
    """A workbook of one cell of two million characters: a few KB zipped, 2 MB unzipped (compressed ~500x).
    openpyxl writes no cell past Excel's 32,767 characters, so the cell is written into the sheet's XML."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["名称"])
    ws.append(["PLACEHOLDER"])
    src, out = BytesIO(), BytesIO()
    wb.save(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item.filename).replace(b"PLACEHOLDER", b"A" * 2_000_000)
            zout.writestr(item, content)
    return out.getvalue()


def worst_ratio(data):
    with zipfile.ZipFile(BytesIO(data)) as z:
        return max(e.file_size // max(e.compress_size, 1) for e in z.infolist() if e.file_size > 1 << 20)


def without_dimension(data):
    """The same workbook whose sheet states no size: only reading it tells how many rows it has."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", content)
            zout.writestr(item, content)
    return out.getvalue()


def firms(n):
    return [[f"企业{i}", "university"] for i in range(n)]


# --- the reader -------------------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_directory_before_openpyxl_reads_it(world, monkeypatch):
    data = bomb()
    monkeypatch.setattr(uploads, "load_workbook", lambda *a, **k: pytest.fail("the workbook was opened"))

    with pytest.raises(uploads.WorkbookError) as raised:
        registry.import_organizations(BytesIO(data), world.users.office)

    assert len(data) < 20_000
    assert str(raised.value) == (f"The workbook is compressed {worst_ratio(data)} times over (at most 100): "
                                 "it is refused as a zip bomb.")


def test_a_workbook_unpacking_past_the_limit_is_refused(world, settings):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 1 << 20
    before = Organization.objects.count()

    with pytest.raises(uploads.WorkbookError) as raised:
        registry.import_organizations(BytesIO(xlsx_bytes(ORG_HEADER, [[f"明湖{i}" + "生物医药有限公司" * 10, "university"]
                                                                      for i in range(3000)])), world.users.office)

    assert str(raised.value) == ("The workbook unpacks to more than 1 MB; split it and import the parts, or have "
                                 f"an administrator import it with the command: {COMMAND}")
    assert Organization.objects.count() == before


@pytest.mark.parametrize(("url", "kind", "command"), [
    (IMPORT, "people", "chainserve import people FILE.xlsx"),
    ("/chains/candidates/import/", "candidates", "chainserve import_catalogue candidates FILE.xlsx"),
    ("/resources/import/", "policies", "chainserve import_catalogue policies FILE.xlsx"),
], ids=["registry", "chains", "resources"])
def test_an_import_page_refuses_a_workbook_unpacking_past_the_limit_and_names_the_command(
        office, settings, url, kind, command):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 1 << 20
    body = xlsx_bytes(["名称"], [[f"明湖{i}" + "生物医药有限公司" * 10] for i in range(6000)])
    before = written(), Policy.objects.count()

    response = office.post(url, {"kind": kind, "file": SimpleUploadedFile("big.xlsx", body)})

    assert response.context["form"].errors["file"] == [
        "The workbook unpacks to more than 1 MB; split it and import the parts, or have an administrator import "
        f"it with the command: {command}"]
    assert (written(), Policy.objects.count()) == before


def test_rows_past_the_limit_are_refused_while_reading_when_the_sheet_states_no_size(world, settings):
    settings.IMPORT_MAX_ROWS = 3
    data = without_dimension(xlsx_bytes(ORG_HEADER, firms(5)))
    before = Organization.objects.count()

    with pytest.raises(uploads.WorkbookError) as raised:
        registry.import_organizations(BytesIO(data), world.users.office)

    assert str(raised.value) == ("The workbook has more than 3 rows; split it and import the parts, or have an "
                                 f"administrator import it with the command: {COMMAND}")
    assert Organization.objects.count() == before
    settings.IMPORT_MAX_ROWS = 5
    assert registry.import_organizations(BytesIO(data), world.users.office).created == 5


def test_a_sheet_stating_fewer_rows_than_it_holds_is_read_whole(world):
    data = xlsx_bytes(ORG_HEADER, firms(3))
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', content)
            zout.writestr(item, content)

    result = registry.import_organizations(BytesIO(out.getvalue()), world.users.office)

    assert (result.ok, result.created) == (True, 3)


def test_a_row_wider_than_the_limit_is_refused(world, settings):
    settings.IMPORT_MAX_COLUMNS = 5
    row = ["宽企业", "university", None, None, None, None, "x"]

    with pytest.raises(uploads.WorkbookError) as raised:
        registry.import_organizations(BytesIO(xlsx_bytes(["名称", "类型"], [row])), world.users.office)

    assert str(raised.value) == "Row 2 has more than 5 columns."
    assert not Organization.objects.filter(name="宽企业").exists()


def test_a_cell_longer_than_the_limit_is_refused(world, settings):
    settings.IMPORT_MAX_CELL_CHARS = 10

    with pytest.raises(uploads.WorkbookError) as raised:
        registry.import_organizations(BytesIO(xlsx_bytes(["名称", "类型"], [["长" * 11, "university"]])),
                                      world.users.office)

    assert str(raised.value) == "A cell of row 2 holds more than 10 characters."
    assert Organization.objects.filter(name="长" * 11).count() == 0


def test_a_sheet_broken_past_its_first_rows_is_a_clear_error(world):
    # A number cell that holds no number: openpyxl fails only when it reaches that row.
    data = xlsx_bytes(["名称", "员工人数"], [["甲", 1], ["乙", 2]])
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'(<c r="B3"[^>]*><v>)2(</v>)', rb"\1two\2", content)
            zout.writestr(item, content)

    with pytest.raises(uploads.WorkbookError) as raised:
        registry.import_organizations(BytesIO(out.getvalue()), world.users.office)

    assert str(raised.value) == "This file cannot be read as an Excel workbook (ValueError)."
    assert not Organization.objects.filter(name__in=["甲", "乙"]).exists()


def test_the_command_line_imports_past_a_requests_row_limit(world, settings, tmp_path):
    settings.IMPORT_MAX_ROWS = 2
    path = tmp_path / "firms.xlsx"
    path.write_bytes(xlsx_bytes(ORG_HEADER, firms(3)))
    out = StringIO()

    call_command("import_registry", "organizations", str(path), stdout=out)

    assert out.getvalue() == "Imported 3 rows: 3 created, 0 updated.\n"
    assert Organization.objects.filter(name__in=["企业0", "企业1", "企业2"]).count() == 3


# --- the import pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "data"), [
    (IMPORT, {"kind": "organizations"}),
    ("/chains/candidates/import/", {"kind": "candidates"}),
    ("/resources/import/", {"kind": "policies"}),
], ids=["registry", "chains", "resources"])
def test_every_import_page_refuses_a_zip_bomb_at_the_field_and_keeps_nothing(office, settings, url, data):
    before = written(), Policy.objects.count()
    body = bomb()

    response = office.post(url, {**data, "file": SimpleUploadedFile("firms.xlsx", body)})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        f"The workbook is compressed {worst_ratio(body)} times over (at most 100): it is refused as a zip bomb."]
    assert (written(), Policy.objects.count()) == before
    imports = Path(settings.MEDIA_ROOT) / "imports"
    assert not imports.exists() or list(imports.iterdir()) == []


def test_the_import_page_names_the_command_for_a_workbook_past_the_row_limit(office, settings):
    settings.IMPORT_MAX_ROWS = 2
    before = written()

    response = office.post(IMPORT, {"kind": "organizations", "file": SimpleUploadedFile(
        "firms.xlsx", xlsx_bytes(ORG_HEADER, firms(3)))})

    assert response.context["form"].errors["file"] == [
        f"The workbook has more than 2 rows; split it and import the parts, or have an administrator import it "
        f"with the command: {COMMAND}"]
    assert written() == before


def test_a_request_past_the_request_limit_is_refused_before_it_is_read(office, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 10_000
    before = written()

    response = office.post(IMPORT, {"kind": "organizations", "file": SimpleUploadedFile(
        "firms.xlsx", b"PK" + b"\0" * 20_000)})

    assert response.status_code == 413
    assert text(response) == "The request is larger than 0.00953674 MB."
    assert written() == before


# --- the catalogue: who may import ------------------------------------------------------------------------------


def test_a_department_handler_may_not_import_the_catalogue(world, client_as):
    handler = world.users.handler
    before = Policy.objects.count()
    body = xlsx_bytes(["政策名称", "发布部门"], [["新政策", world.dept.name]])

    assert client_as(handler).get("/resources/import/").status_code == 403
    response = client_as(handler).post("/resources/import/", {"kind": "policies",
                                                              "file": SimpleUploadedFile("p.xlsx", body)})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        catalogue.import_catalogue("policies", BytesIO(body), handler)
    assert Policy.objects.count() == before


def test_a_partner_is_offered_only_the_kinds_its_institution_owns(world, client_as):
    response = client_as(world.users.partner).get("/resources/import/")

    assert [value for value, _label in response.context["form"].fields["kind"].choices] == ["financial-products"]


# --- attachments ------------------------------------------------------------------------------------------------


def portal_post(client, files):
    return client.post("/portal/demands/new/", {"category": Category.objects.get(slug="policy").pk,
                                                 "title": "申请", "description": "内容", "files": files})


def pdfs(n, size=100):
    return [SimpleUploadedFile(f"f{i}.pdf", PDF + b"0" * size) for i in range(n)]


def test_more_files_than_one_form_may_send_are_refused_at_the_field(world, client_as, settings):
    before = written()

    response = portal_post(client_as(world.users.enterprise), pdfs(settings.UPLOAD_MAX_FILES + 1))

    assert response.status_code == 400
    assert response.context["form"].errors["files"] == ["At most 10 files can be sent at once."]
    assert written() == before


def test_files_past_the_total_size_are_refused_at_the_field(world, client_as, settings):
    settings.UPLOAD_MAX_TOTAL_BYTES = 3 << 20
    before = written()

    response = portal_post(client_as(world.users.enterprise), pdfs(2, size=2 << 20))

    assert response.status_code == 400
    assert response.context["form"].errors["files"] == ["The files sent at once may total at most 3 MB."]
    assert written() == before


def test_far_more_files_are_refused_by_django_before_the_form_reads_them(world, client_as, settings):
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 2 * settings.UPLOAD_MAX_FILES
    before = written()

    response = portal_post(client_as(world.users.enterprise), pdfs(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1))

    assert response.status_code == 400
    assert "At most 10 files" not in text(response)
    assert written() == before


def test_a_long_attachment_name_is_cut_keeping_its_extension(world, client_as):
    name = "很长的名字" * 50 + ".pdf"  # 254 characters, 754 bytes: past any file system's name limit

    response = portal_post(client_as(world.users.enterprise), [SimpleUploadedFile(name, PDF)])

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == ("很长的名字" * 50)[:195] + "….pdf"
    assert len(attachment.name) == 200
    stored = Path(attachment.file.name).name
    assert stored == ("很长的名字" * 12)[:55] + ".pdf"  # the storage drops the "…" from a file's name
    assert attachment.file.read() == PDF


# --- the helpers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "limit", "short"), [
    ("报告.pdf", 200, "报告.pdf"),
    ("很长的名字很长的名字.pdf", 10, "很长的名字….pdf"),
    ("no-extension-at-all", 10, "no-extens…"),
    ("a." + "x" * 30, 10, "a.xxxxxxx…"),
])
def test_short_name_keeps_the_extension(name, limit, short):
    assert uploads.short_name(name, limit) == short
    assert len(uploads.short_name(name, limit)) <= limit


def test_check_files_passes_what_is_within_the_limits(settings):
    files = pdfs(settings.UPLOAD_MAX_FILES)
    assert uploads.check_files(files) is files
    with pytest.raises(ValidationError):
        uploads.check_files(pdfs(settings.UPLOAD_MAX_FILES + 1))
