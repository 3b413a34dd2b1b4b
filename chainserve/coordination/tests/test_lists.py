"""Annual lists: weighted roll-up, timeline with evidence, history, Excel import and export, public page."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from chainserve.coordination import services
from chainserve.coordination.models import AnnualList, ItemUpdate, ListItem, Milestone
from chainserve.registry.choices import OrgKind
from chainserve.registry.tests.factories import OrganizationFactory


def _item(pk):
    return ListItem.objects.get(pk=pk)


def _workbook(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "list.xlsx"
    return out


def test_weighted_progress_rounds_half_up():
    assert services.weighted_progress([(40, 3), (10, 1)]) == 33  # 130 / 4 = 32.5
    assert services.weighted_progress([(100, 1), (0, 1), (0, 1)]) == 33
    assert services.weighted_progress([]) == 0


def test_parent_progress_is_weighted_progress_of_children(annual):
    office = annual.users.office
    services.post_update(annual.plant, office, "厂房主体完工。", progress=40)
    services.post_update(annual.road, office, "道路开工。", progress=10)

    park = _item(annual.park.pk)
    assert (park.progress, park.status) == (33, "in_progress")
    assert (_item(annual.plant.pk).progress, _item(annual.plant.pk).status) == (40, "in_progress")

    services.post_update(annual.plant, office, "厂房交付。", progress=100)
    services.post_update(annual.road, office, "道路通车。", progress=100)
    park = _item(annual.park.pk)
    assert (park.progress, park.status) == (100, "done")
    assert [h.progress for h in park.history.order_by("history_id")] == [0, 30, 33, 78, 100]
    assert park.history.order_by("history_id").last().history_user == office


def test_moving_a_weight_recomputes_the_parent(annual):
    services.post_update(annual.plant, annual.users.office, "x", progress=40)
    plant = _item(annual.plant.pk)
    plant.weight = 1
    services.save_item(annual.users.office, plant)
    assert _item(annual.park.pk).progress == 20


def test_update_of_parent_progress_is_refused_and_nothing_changes(annual):
    with pytest.raises(ValidationError) as e:
        services.post_update(annual.park, annual.users.office, "整体推进。", progress=50)
    assert e.value.message_dict == {"progress": ["A parent item's progress and status come from its children."]}
    assert (_item(annual.park.pk).progress, ItemUpdate.objects.count()) == (0, 0)


def test_progress_and_done_status_must_agree(annual):
    with pytest.raises(ValidationError) as e:
        services.post_update(annual.flats, annual.users.office, "完成。", progress=60, status="done")
    assert e.value.message_dict == {"status": ["A done item is at 100 %, and an item at 100 % is done."]}
    assert _item(annual.flats.pk).progress == 0


def test_delayed_child_makes_parent_behind(annual):
    services.post_update(annual.plant, annual.users.office, "受雨季影响。", progress=20, status="delayed")
    assert _item(annual.park.pk).status == "delayed"


def test_owner_department_reports_other_departments_cannot(annual, world):
    services.post_update(annual.flats, annual.users.handler, "选址完成。", progress=10)
    ListItem.objects.filter(pk=annual.flats.pk).update(
        owner=OrganizationFactory(name="明湖市住房保障局", kind=OrgKind.DEPARTMENT))
    with pytest.raises(PermissionDenied):
        services.post_update(annual.flats, annual.users.handler, "x", progress=90)
    with pytest.raises(PermissionDenied):
        services.post_update(annual.flats, annual.users.specialist, "x", progress=90)
    assert (_item(annual.flats.pk).progress, ItemUpdate.objects.count()) == (10, 1)


def test_evidence_follows_attachment_rules(annual):
    fake = SimpleUploadedFile("照片.png", b"not a png", content_type="image/png")
    with pytest.raises(ValidationError) as e:
        services.post_update(annual.flats, annual.users.office, "x", progress=10, evidence=fake)
    assert e.value.message_dict == {"evidence": ["照片.png is not really a .png file."]}
    assert ItemUpdate.objects.count() == 0

    pdf = SimpleUploadedFile("验收.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    update = services.post_update(annual.flats, annual.users.office, "验收。", progress=100, evidence=pdf)
    assert (update.evidence_name, _item(annual.flats.pk).status) == ("验收.pdf", "done")


def test_parent_cannot_be_its_own_descendant(annual):
    park = _item(annual.park.pk)
    park.parent = annual.plant
    with pytest.raises(ValidationError) as e:
        services.save_item(annual.users.office, park)
    assert e.value.message_dict == {"parent": ["An item cannot be under itself."]}
    assert _item(annual.park.pk).parent_id is None


def test_milestones_added_and_done(annual):
    m = services.add_milestone(annual.flats, annual.users.office, datetime.date(2026, 6, 30), "完成选址")
    services.milestone_done(m, annual.users.office, datetime.date(2026, 6, 20))
    assert Milestone.objects.get(pk=m.pk).done_on == datetime.date(2026, 6, 20)
    with pytest.raises(services.CoordinationError):
        services.milestone_done(m, annual.users.office)


def test_parse_milestones():
    assert services.parse_milestones("2026-03-31 完成选址；2026/6/30 开工\n") == [
        (datetime.date(2026, 3, 31), "完成选址"), (datetime.date(2026, 6, 30), "开工")]
    with pytest.raises(ValidationError) as e:
        services.parse_milestones("2026-02-30 开工")
    assert e.value.messages == ["'2026-02-30 开工' is not a date followed by a milestone (2026-03-31 完成选址)."]


HEADER = ["序号", "上级序号", "项目名称", "责任单位", "权重", "目标", "节点"]


def test_import_adds_and_updates_items_and_rolls_up(annual, world):
    services.post_update(annual.plant, annual.users.office, "x", progress=40)
    result = services.import_list(_workbook([
        HEADER,
        ["1.2", "1", "园区道路改造", world.dept.name, 1, "", "2026-05-31 开工; 2026-10-31 通车"],
        ["1.3", "1", "园区绿化", world.dept.name, 2, "绿化率30%", ""],
        ["3", None, "企业服务驿站", world.dept.name, None, "", "2026-09-30 建成"],
    ]), annual.users.office, annual.list)

    assert (result.ok, result.created, result.updated) == (True, 2, 1)
    road = _item(annual.road.pk)
    assert road.title == "园区道路改造"
    assert [(m.due_on.isoformat(), m.title) for m in road.milestones.all()] == [
        ("2026-05-31", "开工"), ("2026-10-31", "通车")]
    assert ListItem.objects.get(code="1.3").parent_id == annual.park.pk
    assert _item(annual.park.pk).progress == 20  # 40×3 / (3 + 1 + 2)
    assert ListItem.objects.get(code="3").history.first().history_user == annual.users.office


def test_import_with_bad_rows_writes_nothing_and_lists_each(annual, world):
    result = services.import_list(_workbook([
        HEADER,
        ["4", "", "好的一行", world.dept.name, 1, "", ""],
        ["5", "9", "没有上级", "不存在的局", 0, "", "明年 开工"],
        ["4", "", "重复", world.dept.name, 1, "", ""],
        ["", "", "", world.dept.name, 1, "", ""],
    ]), annual.users.office, annual.list)

    assert not result.ok
    assert [(e.row, e.messages) for e in result.errors] == [
        (3, ["上级序号: No item of the list or of the file has the number 9.",
             "责任单位: There is no department called 不存在的局.",
             "权重: Ensure this value is greater than or equal to 1.",
             "节点: '明年 开工' is not a date followed by a milestone (2026-03-31 完成选址)."]),
        (4, ["Same record as row 2."]),
        (5, ["序号: This field is required.", "项目名称: This field is required."]),
    ]
    assert ListItem.objects.filter(annual_list=annual.list).count() == 4


def test_import_refuses_a_cycle(annual, world):
    result = services.import_list(_workbook([
        HEADER, ["1", "1.1", "园区建设", world.dept.name, 1, "", ""],
    ]), annual.users.office, annual.list)
    assert [(e.row, e.messages) for e in result.errors] == [(2, ["上级序号: An item cannot be under itself."])]
    assert _item(annual.park.pk).parent_id is None


def test_import_by_another_chains_office_is_refused(annual, world):
    other = AnnualList.objects.create(chain=world.dchain, year=2026, kind="practical", title="区实事清单")
    with pytest.raises(PermissionDenied):
        services.import_list(_workbook([HEADER, ["1", "", "x", world.dept.name, 1, "", ""]]),
                             annual.users.office, other)
    assert other.items.count() == 0


def test_export_imports_back_unchanged(annual, client_as):
    services.add_milestone(annual.road, annual.users.office, datetime.date(2026, 5, 31), "开工")
    client = client_as(annual.users.office)
    export = client.get(f"/coordination/list-items/?annual_list={annual.list.pk}&export=xlsx")
    ws = load_workbook(io.BytesIO(export.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["Number", "Parent number", "Title", "Owner department", "Weight", "Target", "Milestones",
                       "Progress (%)", "Status"]
    assert rows[3][:7] == ["1.2", "1", "园区道路", annual.world.dept.name, 1, None, "2026-05-31 开工"]

    result = services.import_list(io.BytesIO(export.content), annual.users.office, annual.list)
    assert (result.ok, result.created, result.updated) == (True, 0, 4)


@pytest.mark.parametrize(("language", "line"), [
    ("zh-hans", "2026-05-31 开工\uff1b2026-09-30 通车"),
    ("en", "2026-05-31 开工; 2026-09-30 通车"),
])
def test_milestones_are_joined_as_the_language_writes_a_list(annual, language, line):
    services.add_milestone(annual.road, annual.users.office, datetime.date(2026, 9, 30), "通车")
    services.add_milestone(annual.road, annual.users.office, datetime.date(2026, 5, 31), "开工")
    with translation.override(language):
        text = services.format_milestones(annual.road.milestones.all())
    assert text == line
    assert services.parse_milestones(text) == [(datetime.date(2026, 5, 31), "开工"), (datetime.date(2026, 9, 30), "通车")]


def _import_page(annual_list):
    return f"/coordination/lists/{annual_list.pk}/import/"


def _upload(rows, name="list.xlsx"):
    return {"kind": "list", "file": SimpleUploadedFile(name, _workbook(rows).read())}


def test_list_page_links_its_import_page_for_those_who_may_change_it(annual, client_as):
    link = f'href="{_import_page(annual.list)}"'
    assert link in client_as(annual.users.office).get(annual.list.get_absolute_url()).content.decode()
    assert link not in client_as(annual.users.specialist).get(annual.list.get_absolute_url()).content.decode()


def test_list_import_previews_and_writes_only_on_confirm(annual, world, client_as):
    client = client_as(annual.users.office)
    rows = [HEADER, ["3", "", "人才驿站", world.dept.name, 2, "年内建成", "2026-09-30 投用"],
            ["1.1", "1", "标准厂房（一期）", world.dept.name, 3, "", ""]]

    preview = client.post(_import_page(annual.list), _upload(rows))

    page = preview.content.decode()
    assert "All 2 rows are good." in page
    assert f'<input type="hidden" name="confirm" value="{preview.context["token"]}">' in page
    assert (ListItem.objects.filter(code="3").exists(), _item(annual.plant.pk).title) == (False, "标准厂房")

    done = client.post(_import_page(annual.list), {"confirm": preview.context["token"]})

    assert (done.status_code, done["Location"]) == (302, annual.list.get_absolute_url())
    added = ListItem.objects.get(annual_list=annual.list, code="3")
    assert (added.title, added.weight, added.target) == ("人才驿站", 2, "年内建成")
    assert [(m.due_on, m.title) for m in added.milestones.all()] == [(datetime.date(2026, 9, 30), "投用")]
    assert _item(annual.plant.pk).title == "标准厂房（一期）"
    assert "Imported list items: 1 created, 1 updated." in client.get(done["Location"]).content.decode()


def test_list_import_shows_every_bad_row_with_its_column_and_writes_nothing(annual, world, client_as):
    client = client_as(annual.users.office)
    response = client.post(_import_page(annual.list), _upload([
        HEADER, ["7", "", "x", "不存在的局", 1, "", ""], ["8", "9", "y", world.dept.name, 1, "", ""]]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 bad rows: nothing was imported." in page
    assert "<tr><td>2</td><td><div>责任单位: There is no department called 不存在的局.</div></td></tr>" in page
    assert "<tr><td>3</td><td><div>上级序号: No item of the list or of the file has the number 9.</div></td></tr>" in page
    assert 'name="confirm"' not in page
    assert not ListItem.objects.filter(code__in=["7", "8"]).exists()


def test_list_import_lists_bad_rows_in_chinese_as_official_documents_write_them(annual, client_as, settings):
    client = client_as(annual.users.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.post(_import_page(annual.list), _upload([HEADER, ["7", "", "x", "不存在的局", 1, "", ""]]))

    assert "<tr><td>2</td><td><div>责任单位\uff1a没有名为 不存在的局 的部门。</div></td></tr>" in response.content.decode()
    assert not ListItem.objects.filter(code="7").exists()


def test_list_import_is_refused_to_those_who_may_not_change_the_list_and_nothing_changes(annual, world,
                                                                                         client_as):
    other = AnnualList.objects.create(chain=world.dchain, year=2026, kind="practical", title="区实事清单")
    office = client_as(annual.users.office)
    specialist = client_as(annual.users.specialist)
    rows = [HEADER, ["1", "", "x", world.dept.name, 1, "", ""]]
    before = list(ListItem.objects.values_list("pk", "code", "title"))

    # another chain's list is not even seen; a list seen but not one's own to change is refused
    assert (office.get(_import_page(other)).status_code, office.post(_import_page(other), _upload(rows)).status_code
            ) == (404, 404)
    assert (specialist.get(_import_page(annual.list)).status_code,
            specialist.post(_import_page(annual.list), _upload(rows)).status_code) == (403, 403)
    # a workbook checked for one list is not confirmed on another list's page
    admin = client_as(annual.users.admin)
    preview = admin.post(_import_page(annual.list), _upload(rows))
    assert admin.post(_import_page(other), {"confirm": preview.context["token"]}).status_code == 404

    assert list(ListItem.objects.values_list("pk", "code", "title")) == before
    assert other.items.count() == 0


@pytest.mark.parametrize(("name", "size", "message"), [
    ("list.csv", 100, "Only .xlsx workbooks can be imported."),
    ("list.xlsx", 2 << 20, "The workbook is larger than 1 MB."),
], ids=["type", "size"])
def test_list_import_checks_the_file_before_reading_it(annual, client_as, settings, name, size, message):
    settings.IMPORT_MAX_BYTES = 1 << 20
    before = list(ListItem.objects.values_list("pk", "code", "title", "progress"))

    response = client_as(annual.users.office).post(_import_page(annual.list), {
        "kind": "list", "file": SimpleUploadedFile(name, b"PK\x03\x04" + b"\0" * size)})

    assert response.context["form"].errors["file"] == [message]
    assert list(ListItem.objects.values_list("pk", "code", "title", "progress")) == before


def test_list_import_holds_a_workbook_to_a_requests_rows(annual, world, client_as, settings):
    settings.IMPORT_MAX_ROWS = 1
    rows = [HEADER, ["7", "", "甲", world.dept.name, 1, "", ""], ["8", "", "乙", world.dept.name, 1, "", ""]]

    response = client_as(annual.users.office).post(_import_page(annual.list), _upload(rows))

    assert response.context["form"].errors["file"] == [
        "The workbook has more than 1 rows; split it and import the parts."]
    assert not ListItem.objects.filter(code__in=["7", "8"]).exists()


def test_public_page_without_login_shows_progress_not_contacts(annual, client):
    services.post_update(annual.plant, annual.users.office, "厂房主体完工。", progress=40)
    response = client.get(f"/coordination/public/lists/{annual.list.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="overall">15%</strong>' in page  # item 1 at 30 % (40×3 / 4), item 2 at 0 %, equal weights
    assert "厂房主体完工。" in page
    assert annual.world.p_nfs.name not in page and "13812345678" not in page and "office" not in page


def test_private_list_has_no_public_page(annual, client):
    AnnualList.objects.filter(pk=annual.list.pk).update(public=False)
    assert client.get(f"/coordination/public/lists/{annual.list.pk}/").status_code == 404


def test_item_page_reports_progress(annual, client_as):
    client = client_as(annual.users.handler)
    response = client.post(f"/coordination/list-items/{annual.road.pk}/", {
        "step": "update", "update-text": "道路开工。", "update-progress": "50"})
    assert response.status_code == 302
    assert _item(annual.park.pk).progress == 13  # 0×3 + 50×1 over 4 = 12.5
    bad = client.post(f"/coordination/list-items/{annual.park.pk}/", {
        "step": "update", "update-text": "x", "update-progress": "50"})
    assert bad.status_code == 400
    assert "A parent item&#x27;s progress and status come from its children." in bad.content.decode()


def test_enterprise_cannot_see_list_or_item(annual, client_as):
    client = client_as(annual.users.enterprise)
    assert client.get(f"/coordination/lists/{annual.list.pk}/").status_code == 404
    response = client.post(f"/coordination/list-items/{annual.flats.pk}/", {
        "step": "update", "update-text": "x", "update-progress": "90"})
    assert response.status_code == 404
    assert (_item(annual.flats.pk).progress, ItemUpdate.objects.count()) == (0, 0)


def test_api_list_items_and_updates(annual, api_as):
    office = api_as(annual.users.office)
    response = office.post(f"/api/v1/list-items/{annual.plant.pk}/updates/", {"text": "主体完工。", "progress": 40},
                           format="json")
    assert response.status_code == 201 and response.json()["progress"] == 40
    park = office.get(f"/api/v1/list-items/{annual.park.pk}/").json()
    assert (park["progress"], park["status"]) == (30, "in_progress")
    bad = office.post(f"/api/v1/list-items/{annual.park.pk}/updates/", {"text": "x", "progress": 10}, format="json")
    assert bad.status_code == 400
    assert bad.json() == {"progress": ["A parent item's progress and status come from its children."]}
    timeline = office.get(f"/api/v1/list-items/{annual.plant.pk}/timeline/").json()
    assert [(u["text"], u["progress"]) for u in timeline] == [("主体完工。", 40)]

    created = office.post("/api/v1/list-items/", {"annual_list": annual.list.pk, "parent": annual.park.pk,
                                                  "code": "1.3", "title": "绿化", "owner": annual.world.dept.pk,
                                                  "weight": 4}, format="json")
    assert created.status_code == 201
    assert _item(annual.park.pk).progress == 15  # 40×3 / (3 + 1 + 4)

    enterprise = api_as(annual.users.enterprise)
    assert enterprise.get(f"/api/v1/list-items/{annual.plant.pk}/").status_code == 404
    assert enterprise.post(f"/api/v1/list-items/{annual.plant.pk}/updates/", {"text": "x", "progress": 99},
                           format="json").status_code == 404
    assert _item(annual.plant.pk).progress == 40


def test_a_handler_reports_on_its_items_but_adds_none(annual, api_as, client_as):
    """The page adds an item only to a list the user may change (403 to a handler); the API too, even for an item
    the handler's department would own (tests/on_the_demo/test_role_parity.py)."""
    handler, count = annual.users.handler, ListItem.objects.count()
    body = {"annual_list": annual.list.pk, "code": "9", "title": "新增项目", "owner": handler.organization_id}

    answers = [api_as(handler).post("/api/v1/list-items/", sent, format="json").status_code
               for sent in (body, {"no_such_field": 1})]

    assert answers == [403, 403]
    assert client_as(handler).get(f"/coordination/list-items/add/?list={annual.list.pk}").status_code == 403
    assert ListItem.objects.count() == count

def test_a_long_evidence_name_keeps_its_extension_shown_and_on_disk(annual):
    name = "关于明湖生物医药产业园二期标准厂房竣工验收的会议纪要及现场照片汇编" * 6 + ".pdf"  # 207 characters
    pdf = SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")

    update = services.post_update(annual.flats, annual.users.office, "验收。", progress=50, evidence=pdf)

    assert len(update.evidence_name) == 200 and update.evidence_name.endswith("….pdf")
    stored = update.evidence.name.rsplit("/", 1)[1]
    assert len(stored) <= 60 and stored.endswith(".pdf")
    assert update.evidence.read() == b"%PDF-1.4 evidence"
