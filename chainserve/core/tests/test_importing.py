"""The workbook import engine (core.importing): aliases, every bad row with its row and column, all or nothing,
the hook after commit, and the one page flow — preview then confirm, a large workbook through the worker, a
preview never confirmed forgotten by the sweep."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from chainserve.core.importing import Importer, RowError
from chainserve.core.models import ImportRun, Region, RegionLevel
from chainserve.registry import services as registry
from chainserve.registry.models import Organization
from chainserve.registry.tests.factories import make_uscc
from chainserve.registry.tests.test_import import xlsx_bytes


class DistrictRowForm(forms.Form):
    code = forms.CharField(max_length=12)
    name = forms.CharField(max_length=50)

    def __init__(self, data, refs):
        super().__init__(data)


class DistrictImporter(Importer):
    """A small importer declared as every app declares its own: columns, a row form, a bulk write."""

    kind = "test-districts"
    label = "districts"
    columns = {"code": ["区划代码", "代码", "code"], "name": ["区名", "名称", "name"]}
    row_form = DistrictRowForm

    def key(self, data):
        return data["code"]

    def write(self, rows, result):
        Region.objects.bulk_create([Region(code=d["code"], name=d["name"], level=RegionLevel.PROVINCE,
                                           path=f"{d['code']}/") for d in rows])
        result.created = len(rows)


def districts():
    return list(Region.objects.order_by("code").values_list("code", "name"))


@pytest.fixture
def book(tmp_path):
    def make(header, rows):
        path = tmp_path / f"book{len(list(tmp_path.iterdir()))}.xlsx"
        path.write_bytes(xlsx_bytes(header, rows))
        return path

    return make


def test_every_bad_row_is_listed_with_its_row_and_column_and_nothing_is_written(db, book):
    path = book(["代码", "名称"], [["420101", "江岸区"], ["420102", ""], ["4201030000000", "江汉区"],
                                  ["420101", "又一个江岸区"]])

    result = DistrictImporter(None).run(path)

    assert [(e.row, e.messages) for e in result.errors] == [
        (3, ["区名: This field is required."]),
        (4, ["区划代码: Ensure this value has at most 12 characters (it has 13)."]),
        (5, ["Same record as row 2."]),
    ]
    assert (result.total, result.created) == (4, 0)
    assert districts() == []


def test_columns_are_found_by_any_of_their_aliases_in_any_order(db, book):
    path = book(["name", " 区划代码 "], [["江岸区", "420102"], ["江汉区", 420103]])

    result = DistrictImporter(None).run(path)

    assert (result.ok, result.total, result.created) == (True, 2, 2)
    assert districts() == [("420102", "江岸区"), ("420103", "江汉区")]


def test_a_check_without_commit_writes_nothing_and_previews_the_rows(db, book):
    path = book(["代码", "名称"], [["420102", "江岸区"]])

    result = DistrictImporter(None).run(path, commit=False)

    assert (result.ok, result.preview) == (True, [{"code": "420102", "name": "江岸区"}])
    assert districts() == []


def test_a_check_across_rows_refuses_the_whole_workbook(db, book):
    class NoJiangan(DistrictImporter):
        def check(self, rows, result):
            result.errors.extend(RowError(d["row"], ["江岸区 is closed."]) for d in rows if d["name"] == "江岸区")

    result = NoJiangan(None).run(book(["代码", "名称"], [["420103", "江汉区"], ["420102", "江岸区"]]))

    assert [(e.row, e.messages) for e in result.errors] == [(3, ["江岸区 is closed."])]
    assert districts() == []


def test_on_committed_gets_the_organisations_the_import_touched_after_the_write(world, book):
    seen = []

    class Recording(registry.OrganizationImporter):
        def on_committed(self, result):
            seen.append((set(result.touched), Organization.objects.filter(pk__in=result.touched).count()))

    path = book(["名称", "统一社会信用代码", "员工人数"], [["明湖新药有限公司", make_uscc(130), 9],
                                                   [world.wz.name, world.wz.uscc, 31]])

    Recording(world.users.office).run(path)

    new = Organization.objects.get(uscc=make_uscc(130))
    assert seen == [({new.pk, world.wz.pk}, 2)]
    assert Importer.registry["organizations"] is registry.OrganizationImporter  # a subclass takes no kind's place


def test_on_committed_is_not_called_when_a_row_is_bad(world, book):
    seen = []

    class Recording(registry.OrganizationImporter):
        def on_committed(self, result):
            seen.append(result)

    Recording(world.users.office).run(book(["名称", "统一社会信用代码"], [["无码企业有限公司", ""]]))

    assert seen == []


# --- the page flow ----------------------------------------------------------------------------------------

IMPORT = "/registry/import/"
HEADER = ["名称", "类型", "统一社会信用代码"]


def firms(n, start=140):
    return [[f"明湖导入{i}号有限公司", "enterprise", make_uscc(start + i)] for i in range(n)]


# Real commits: the worker finds what was queued after commit, as in production.
WORKER = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_tasks():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def uploads(settings):
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_every_import_page_previews_and_writes_only_on_confirm(world, client_as):
    client = client_as(world.users.office)
    before = Organization.objects.count()

    preview = client.post(IMPORT, {"kind": "organizations", "file": SimpleUploadedFile("f.xlsx", xlsx_bytes(
        HEADER, firms(2)))})

    assert "All 2 rows are good." in preview.content.decode()
    assert f'<input type="hidden" name="confirm" value="{preview.context["token"]}">' in preview.content.decode()
    assert Organization.objects.count() == before
    # another user cannot confirm it
    assert client_as(world.users.admin).post(IMPORT, {"confirm": preview.context["token"]}).status_code == 404
    assert Organization.objects.count() == before

    done = client.post(IMPORT, {"confirm": preview.context["token"]})

    assert (done.status_code, done["Location"]) == (302, "/registry/organizations/")
    assert Organization.objects.count() == before + 2
    assert ImportRun.objects.get().status == ImportRun.Status.DONE


@WORKER
def test_a_large_workbook_is_checked_and_written_by_the_worker_while_its_page_shows_the_progress(world, client_as, settings):
    settings.IMPORT_TASK_ROWS = 2
    client = client_as(world.users.office)
    before = Organization.objects.count()

    # when a workbook past the setting is uploaded
    response = client.post(IMPORT, {"kind": "organizations", "file": SimpleUploadedFile("f.xlsx", xlsx_bytes(
        HEADER, firms(3)))})

    # then the request only queues it, and its page follows the check
    run = ImportRun.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/imports/{run.token}/")
    page = client.get(response["Location"])
    assert "Checking the rows" in page.content.decode()
    assert "0 of 3 rows; this page follows the work by itself." in page.content.decode()
    assert 'hx-trigger="load delay:2s"' in page.content.decode()
    assert client_as(world.users.admin).get(response["Location"]).status_code == 404  # only its uploader's

    # when the worker has checked it, the page shows the preview and the confirmation
    run_tasks()
    page = client.get(response["Location"], HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert html.startswith('<div id="import-run">')  # htmx gets the part of the page that changes
    assert "All 3 rows are good." in html
    assert f'<form method="post" action="{IMPORT}">' in html
    assert Organization.objects.count() == before

    # when it is confirmed, the worker writes it and the page says so
    confirmed = client.post(IMPORT, {"confirm": run.token})
    assert confirmed["Location"] == f"/imports/{run.token}/"
    assert "Importing the rows" in client.get(confirmed["Location"]).content.decode()
    assert Organization.objects.count() == before
    run_tasks()

    page = client.get(confirmed["Location"])
    assert "Imported organisations: 3 created, 0 updated." in page.content.decode()
    assert 'href="/registry/organizations/"' in page.content.decode()
    assert "hx-trigger" not in page.content.decode()
    assert Organization.objects.count() == before + 3
    assert uploads(settings) == []
    assert client.post(IMPORT, {"confirm": run.token}).status_code == 404  # no second write


@WORKER
def test_a_large_workbook_with_bad_rows_lists_them_on_its_page_and_keeps_nothing(world, client_as, settings):
    settings.IMPORT_TASK_ROWS = 2
    client = client_as(world.users.office)
    rows = [*firms(2), ["坏码企业有限公司", "enterprise", "bad"]]
    response = client.post(IMPORT, {"kind": "organizations", "file": SimpleUploadedFile(
        "f.xlsx", xlsx_bytes(HEADER, rows))})

    run_tasks()
    html = client.get(response["Location"]).content.decode()

    assert "1 bad row: nothing was imported." in html
    assert "<tr><td>4</td><td><div>统一社会信用代码: " in html
    assert 'name="confirm"' not in html
    assert uploads(settings) == []


def test_the_sweep_deletes_runs_past_the_setting_with_their_workbooks_and_keeps_recent_ones(world, client_as,
                                                                                            settings):
    settings.IMPORT_RUN_KEEP_HOURS = 24
    client = client_as(world.users.office)
    for start in (140, 150):  # two previews never confirmed: each keeps its workbook for the confirmation
        client.post(IMPORT, {"kind": "organizations", "file": SimpleUploadedFile("f.xlsx", xlsx_bytes(
            HEADER, firms(2, start)))})
    old, recent = ImportRun.objects.order_by("pk")
    ImportRun.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(hours=25))
    ImportRun.objects.filter(pk=recent.pk).update(created=timezone.now() - datetime.timedelta(hours=23))
    assert uploads(settings) == sorted([f"{old.token}.xlsx", f"{recent.token}.xlsx"])
    out = StringIO()

    call_command("demand_sweep", stdout=out)

    assert "expired import runs 1," in out.getvalue()
    assert list(ImportRun.objects.values_list("token", flat=True)) == [recent.token]
    assert uploads(settings) == [f"{recent.token}.xlsx"]
    assert client.post(IMPORT, {"confirm": old.token}).status_code == 404
    assert client.post(IMPORT, {"confirm": recent.token}).status_code == 302


class OtherDistrictSheet(DistrictImporter):
    kind = ""  # a further sheet, not an importer of its own
    sheet_names = ("其他区划",)


class Reference(DistrictImporter):
    """A workbook of named sheets: its main sheet found by its name too, not as the first."""

    kind = "test-reference"
    sheet_names = ("区划", "districts")
    sheets = (OtherDistrictSheet,)


def test_a_workbook_of_sheets_goes_in_whole_or_not_at_all(db, tmp_path):
    from openpyxl import Workbook

    def save(rows):
        wb = Workbook()
        wb.active.title = "Notes"  # a sheet no part reads
        for title, data in (("Districts", rows), ("其他区划", [["420199", "新区"]])):
            ws = wb.create_sheet(title)  # found by its title, in any case
            ws.append(["代码", "名称"])
            for row in data:
                ws.append(row)
        wb.save(tmp_path / "ref.xlsx")
        return tmp_path / "ref.xlsx"

    result = Reference(None).run(save([["420104", "南湖区"], ["420104", "北湖区"], ["", "无码区"]]))
    assert [(e.sheet, e.row) for e in result.errors] == [("区划", 3), ("区划", 4)]  # by the name it is known by
    assert districts() == []  # the good sheet waits for the bad one

    result = Reference(None).run(save([["420104", "南湖区"]]))
    assert (result.errors, result.total, result.created, result.others) == ([], 2, 1, [["districts", 1, 0]])
    assert districts() == [("420104", "南湖区"), ("420199", "新区")]
