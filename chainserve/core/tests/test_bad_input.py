"""Bad input, by mistake or on purpose: a clear error, nothing written, never a 500.

Uploads of the wrong type or size, broken and huge workbooks, invalid UTF-8, very long fields,
HTML and script in text (escaped on pages), formulas in exported cells, SQL-looking strings.
"""

import io
import re
import time
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from openpyxl import load_workbook

from chainserve.demands.models import Attachment, Category, Demand, DemandEvent
from chainserve.registry.models import Organization, Person
from chainserve.registry.tests.test_import import GOOD_ROWS, ORG_HEADER, xlsx_bytes

IMPORT = "/registry/import/"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def written():
    """Everything an input could have written, counted."""
    return {
        "organizations": Organization.objects.count(),
        "org history": Organization.history.count(),
        "people": Person.objects.count(),
        "demands": Demand.objects.count(),
        "events": DemandEvent.objects.count(),
        "attachments": Attachment.objects.count(),
    }


@pytest.fixture
def office(world, client_as):
    return client_as(world.users.office)


@pytest.fixture
def api(world, api_as):
    return api_as(world.users.office)


def text(response):
    return response.content.decode()


# --- uploads ------------------------------------------------------------------------------------


def truncated_workbook():
    data = xlsx_bytes(ORG_HEADER, GOOD_ROWS)
    return data[: len(data) // 2]


def zip_without_a_workbook():
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("firms.csv", b"name\nx\n", "Only .xlsx workbooks can be imported."),
    ("firms.xlsx.exe", b"MZ\x90\x00", "Only .xlsx workbooks can be imported."),
    ("firms.xlsx", PDF, "This file cannot be read as an Excel workbook"),
    ("firms.xlsx", truncated_workbook(), "This file cannot be read as an Excel workbook"),
    ("firms.xlsx", zip_without_a_workbook(), "This file cannot be read as an Excel workbook"),
    ("firms.xlsx", b"", "The submitted file is empty."),
], ids=["csv", "exe", "pdf-named-xlsx", "truncated", "zip-without-workbook", "empty"])
def test_an_upload_that_is_not_a_workbook_is_refused_and_nothing_is_kept(office, settings, name, content, message):
    before = written()

    response = office.post(IMPORT, {"kind": "organizations", "file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert message in text(response)
    assert written() == before
    imports = settings.MEDIA_ROOT / "imports"
    assert not imports.exists() or list(imports.iterdir()) == []


def test_an_oversize_workbook_is_refused_before_it_is_read(office, settings):
    settings.IMPORT_MAX_BYTES = 1 << 20
    before = written()
    big = SimpleUploadedFile("firms.xlsx", b"PK\x03\x04" + b"\0" * (1 << 20))

    response = office.post(IMPORT, {"kind": "organizations", "file": big})

    assert response.status_code == 200
    assert "The workbook is larger than 1 MB." in text(response)
    assert written() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_huge_workbook_of_bad_rows_lists_them_and_writes_nothing(office):
    # past IMPORT_TASK_ROWS: the worker checks it (after a real commit), and the import's page lists the bad rows
    rows = [[f"企业{i}", "enterprise", "not-a-code"] for i in range(3000)]
    before = written()

    started = time.monotonic()
    response = office.post(IMPORT, {"kind": "organizations",
                                    "file": SimpleUploadedFile("firms.xlsx", xlsx_bytes(ORG_HEADER, rows))})
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    response = office.get(response["Location"])

    assert response.status_code == 200
    assert "3000 bad rows: nothing was imported." in text(response)
    assert written() == before
    assert time.monotonic() - started < 60


def test_a_workbook_claiming_a_million_rows_and_16384_columns_is_refused_before_its_rows_are_read(office):
    # A few hundred bytes whose sheet says A1:XFD1048576: a reader that trusted it would allocate forever; past
    # what one request may import, it is refused from that claim alone (core.uploads).
    src = BytesIO(xlsx_bytes(ORG_HEADER, [["坏码企业", "enterprise", "bad"]]))
    out = BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            zout.writestr(item, data)
    before = written()

    response = office.post(IMPORT, {"kind": "organizations", "file": SimpleUploadedFile("firms.xlsx", out.getvalue())})

    assert response.status_code == 200
    assert ("The workbook has more than 5,000 rows; split it and import the parts, or have an administrator "
            "import it with the command: chainserve import organizations FILE.xlsx") in text(response)
    assert written() == before


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("run.sh", b"#!/bin/sh\nrm -rf /\n"), "run.sh: only PDF, images, Word, Excel and text files"),
    (SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script>"), "photo.png is not really a .png file."),
    (SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024)), "big.pdf is larger than 10 MB."),
], ids=["type", "content", "size"])
def test_a_refused_attachment_writes_no_demand(world, client_as, upload, message):
    policy = Category.objects.get(slug="policy")
    before = written()

    response = client_as(world.users.enterprise).post("/portal/demands/new/", {
        "category": policy.pk, "title": "申请", "description": "内容", "files": [upload]})

    assert response.status_code == 400
    assert message in text(response)
    assert written() == before


def test_a_request_body_over_the_memory_limit_is_a_400(world, client_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1 << 20
    policy = Category.objects.get(slug="policy")
    before = written()

    response = client_as(world.users.enterprise).post("/portal/demands/new/", {
        "category": policy.pk, "title": "申请", "description": "长" * (1 << 20)})

    assert response.status_code == 400
    assert written() == before


# --- invalid UTF-8 ------------------------------------------------------------------------------


def test_a_form_post_of_invalid_utf8_is_a_400_and_writes_nothing(office):
    before = written()

    response = office.post("/registry/organizations/add/", b"name=%FF%FE%FD&kind=department",
                           content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "UTF-8" in text(response)
    assert written() == before


@pytest.mark.parametrize("path", ["/registry/organizations/?q=%FF%FE", "/api/v1/organizations/?q=%C3%28",
                                  "/registry/people/?q=%E6%98"])
def test_a_query_string_of_invalid_utf8_is_a_400(office, path):
    response = office.get(path)

    assert response.status_code == 400


def test_api_json_of_invalid_utf8_is_a_400_and_writes_nothing(api):
    before = written()

    response = api.post("/api/v1/organizations/", b'{"name": "\xff\xfe bad", "kind": "department"}',
                        content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()
    assert written() == before


def test_multipart_text_of_invalid_utf8_is_stored_as_replacement_characters_never_raw_bytes(office):
    # Django decodes form parts with errors="replace": what arrives is text, never broken bytes.
    boundary = "BoUnDaRy"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n".encode() + b"\xff\xfe ok"
            + f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndepartment"
              f"\r\n--{boundary}--\r\n".encode())

    response = office.post("/registry/organizations/add/", body,
                           content_type=f"multipart/form-data; boundary={boundary}")

    assert response.status_code in (200, 302)
    assert all("\ufffd" in n or n.isprintable() for n in Organization.objects.values_list("name", flat=True))


# --- wrong types and very long fields -----------------------------------------------------------


def test_api_fields_of_the_wrong_type_are_each_named_and_nothing_is_written(api):
    before = written()

    response = api.post("/api/v1/organizations/", {
        "name": {"a": 1}, "kind": ["enterprise"], "employees": "many", "founded_on": "yesterday",
        "labels": "hitech", "district": "东湖区", "website": 12,
    }, format="json")

    assert response.status_code == 400
    assert set(response.json()) >= {"name", "kind", "employees", "founded_on", "labels", "district"}
    assert written() == before


@pytest.mark.parametrize(("body", "content_type", "status"), [
    (b'{"name": "x", ', "application/json", 400),
    (b"name=x", "text/plain", 415),
    (b"[1, 2, 3]", "application/json", 400),
    (b'"just a string"', "application/json", 400),
], ids=["broken-json", "wrong-media-type", "a-list", "a-string"])
def test_an_api_body_that_is_not_an_object_is_a_4xx(api, body, content_type, status):
    before = written()

    response = api.post("/api/v1/organizations/", body, content_type=content_type)

    assert response.status_code == status
    assert written() == before


def test_very_long_fields_are_refused_by_form_and_api(office, api):
    before = written()

    page = office.post("/registry/organizations/add/", {"name": "长" * 10_000, "kind": "department"})
    person = office.post("/registry/people/add/", {"name": "名" * 1000, "organization": Organization.objects.first().pk})
    answer = api.post("/api/v1/organizations/", {"name": "长" * 100_000, "kind": "department",
                                                 "description": "x" * 1_000_000}, format="json")

    assert page.status_code == 200 and "Ensure this value has at most 200 characters" in text(page)
    assert person.status_code == 200 and "at most 60 characters" in text(person)
    assert answer.status_code == 400 and "name" in answer.json()
    assert written() == before


@pytest.mark.parametrize("q", ["明湖" * 5000, "x" * 50_000, "a b " * 2000])
def test_a_very_long_search_is_answered(office, api, q):
    assert office.get("/registry/organizations/", {"q": q}).status_code == 200
    assert api.get("/api/v1/organizations/", {"q": q}).status_code == 200


def test_a_nul_character_is_a_field_error_not_a_database_error(office, api):
    before = written()

    page = office.post("/registry/organizations/add/", {"name": "明湖\x00公司", "kind": "department"})
    answer = api.post("/api/v1/organizations/", {"name": "明湖\x00公司", "kind": "department"}, format="json")
    search = office.get("/registry/organizations/", {"q": "明湖\x00"})
    api_search = api.get("/api/v1/organizations/", {"q": "明湖\x00"})

    assert page.status_code == 200 and "Null characters are not allowed." in text(page)
    assert answer.status_code == 400 and answer.json()["name"] == ["Null characters are not allowed."]
    assert search.status_code in (200, 400) and api_search.status_code in (200, 400)
    assert written() == before


HUGE = "99999999999999999999"  # past 64 bits: SQLite's driver raises OverflowError on it


@pytest.mark.parametrize("path", [
    f"/api/v1/people/?organization={HUGE}", f"/registry/people/?organization={HUGE}",
    f"/api/v1/organizations/?limit={HUGE}", f"/api/v1/organizations/?offset={HUGE}",
    f"/api/v1/organizations/{HUGE}/", f"/registry/organizations/{HUGE}/", f"/registry/organizations/?district={HUGE}",
    f"/api/v1/relationships/?organization={HUGE}", f"/api/v1/placements/?segment={HUGE}",
])
def test_a_number_too_large_for_the_database_is_never_a_500(office, path):
    response = office.get(path)

    assert response.status_code in (200, 400, 404)


def test_an_api_page_holds_at_most_1000_rows(world, api):
    response = api.get("/api/v1/organizations/", {"limit": 10_000_000})

    assert response.status_code == 200
    assert response.json()["next"] is None or "limit=1000" in response.json()["next"]


# --- HTML and script in text --------------------------------------------------------------------


def test_html_and_script_in_text_fields_are_shown_as_text(world, office, api):
    created = api.post("/api/v1/organizations/", {"name": SCRIPT, "kind": "department", "description": SCRIPT,
                                                  "address": SCRIPT}, format="json")
    assert created.status_code == 201
    org = Organization.objects.get(pk=created.json()["id"])
    person = office.post("/registry/people/add/", {"name": "<b>粗</b>", "organization": org.pk, "title": SCRIPT[:80]})
    assert person.status_code == 302

    pages = [office.get(f"/registry/organizations/{org.pk}/"), office.get("/registry/organizations/", {"q": "script"}),
             office.get(person.url), office.get("/registry/people/")]

    for page in pages:
        html = text(page)
        assert page.status_code == 200
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>粗</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text(pages[0])
    assert "&lt;b&gt;粗&lt;/b&gt;" in text(pages[3])
    assert api.get(f"/api/v1/organizations/{org.pk}/").json()["name"] == SCRIPT  # data stays data


def test_html_in_a_demand_title_is_escaped_on_the_portal(world, client_as):
    client = client_as(world.users.enterprise)
    policy = Category.objects.get(slug="policy")

    client.post("/portal/demands/new/", {"category": policy.pk, "title": SCRIPT[:200], "description": SCRIPT})
    demand = Demand.objects.get()

    for html in (text(client.get("/portal/")), text(client.get(f"/demands/{demand.pk}/"))):
        assert "<script>alert" not in html and "&lt;script&gt;" in html


# --- formulas in exported cells -----------------------------------------------------------------


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example","点我")', "+1+cmd|'/c calc'!A0", "-2+3", "@SUM(A1)"])
def test_a_formula_typed_into_a_field_is_exported_as_text(world, office, name):
    response = office.post("/registry/people/add/", {"name": name[:60], "organization": world.nfs.pk,
                                                     "title": name[:80]})
    assert response.status_code == 302

    export = office.get("/registry/people/", {"export": "xlsx"})

    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "'" + name[:60] in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


# --- SQL-looking strings ------------------------------------------------------------------------

SQL = ["x' OR '1'='1", "'; DROP TABLE registry_organization; --", '1" OR 1=1 --', "%' UNION SELECT password FROM core_user --"]


@pytest.mark.parametrize("q", SQL)
def test_sql_looking_searches_find_nothing_and_harm_nothing(world, office, api, q):
    before = written()

    page = office.get("/registry/organizations/", {"q": q})
    answer = api.get("/api/v1/organizations/", {"q": q})
    people = office.get("/registry/people/", {"q": q, "export": "xlsx"})

    assert page.status_code == 200 and page.context["page"].paginator.count == 0
    assert answer.status_code == 200 and answer.json()["count"] == 0
    assert people.status_code == 200
    assert written() == before
    assert "registry_organization" in connection.introspection.table_names()


def test_sql_looking_text_is_stored_as_it_was_typed(world, api):
    name = "Robert'); DROP TABLE registry_person; --"
    people = Person.objects.count()

    created = api.post("/api/v1/organizations/", {"name": name, "kind": "department"}, format="json")

    assert created.status_code == 201
    assert Organization.objects.get(pk=created.json()["id"]).name == name
    assert Person.objects.count() == people
    assert api.get("/api/v1/organizations/", {"q": "Robert"}).json()["count"] == 1
