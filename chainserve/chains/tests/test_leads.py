"""Targeted investment attraction: candidates for gaps, leads through their stages (allowed, refused,
conflicting), counts for reports, the candidate import, scoping of pages and API."""

import datetime
import threading
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from chainserve.chains import services
from chainserve.chains.choices import LeadStage
from chainserve.chains.models import Candidate, Lead, LeadEvent
from chainserve.chains.services import LeadConflict
from chainserve.registry.choices import OrgSize
from chainserve.registry.tests.factories import make_uscc

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="row locks between two connections need PostgreSQL")


@pytest.fixture
def att(world):
    """Two candidates for the city chain's empty 原料药 (one also for the weak 细胞与基因治疗), one for the
    district chain (whose office has no staff); a lead for 原料药 just found."""
    office = world.users.office
    world.c_raw = services.save_candidate(office, Candidate(chain=world.chain, name="上海澄元原料药有限公司",
                                                            region="上海市浦东新区", size=OrgSize.MEDIUM),
                                          [world.s_raw])
    world.c_both = services.save_candidate(office, Candidate(chain=world.chain, name="苏州岚禾生物科技有限公司",
                                                             region="江苏省苏州市"), [world.s_raw, world.s_cgt])
    world.c_district = Candidate.objects.create(chain=world.dchain, name="杭州蔚康临床研究有限公司", region="杭州")
    world.c_district.segments.set([world.s_trial])
    world.lead = services.start_lead(office, world.c_raw, world.s_raw, "从缺口筛选")
    world.d_lead = services.start_lead(world.users.admin, world.c_district, world.s_trial)
    return world


def snapshot(lead):
    row = Lead.objects.get(pk=lead.pk)
    return ({f.attname: getattr(row, f.attname) for f in Lead._meta.concrete_fields},
            list(row.events.values_list("pk", "from_stage", "to_stage", "amount")))


def walk(lead, user, stages, amount=None):
    for stage in stages:
        lead = services.move_lead(lead, user, stage, lead.version,
                                  amount if stage in (LeadStage.SIGNED, LeadStage.LANDED) else None)
    return lead


def test_a_lead_goes_from_found_to_landed_with_an_event_per_step(att):
    office = att.users.office

    lead = walk(att.lead, office, [LeadStage.CONTACTED, LeadStage.VISITED, LeadStage.SIGNED], 150_000_000)
    lead = services.move_lead(lead, office, LeadStage.LANDED, lead.version, 180_000_000, "一期投产")

    assert (lead.stage, lead.amount, lead.version) == (LeadStage.LANDED, 180_000_000, 5)
    assert list(lead.events.values_list("from_stage", "to_stage", "amount", "note")) == [
        ("", "found", None, "从缺口筛选"),
        ("found", "contacted", None, ""),
        ("contacted", "visited", None, ""),
        ("visited", "signed", 150_000_000, ""),
        ("signed", "landed", 180_000_000, "一期投产"),
    ]
    assert lead.next_stages == ()


@pytest.mark.parametrize(("path", "to", "message"), [
    ([], LeadStage.SIGNED, "A lead that is found cannot move to intention signed."),
    ([LeadStage.DROPPED], LeadStage.CONTACTED, "A lead that is dropped cannot move to contacted."),
    ([LeadStage.CONTACTED, LeadStage.VISITED, LeadStage.SIGNED, LeadStage.LANDED], LeadStage.DROPPED,
     "A lead that is landed cannot move to dropped."),
    ([], "won", "There is no stage won."),
])
def test_a_move_that_is_not_allowed_is_refused_and_changes_nothing(att, path, to, message):
    lead = walk(att.lead, att.users.office, path, 100)
    before = snapshot(lead)

    with pytest.raises(ValidationError) as e:
        services.move_lead(lead, att.users.office, to, lead.version, 100)

    assert e.value.message_dict == {"stage": [message]}
    assert snapshot(lead) == before


def test_signing_needs_the_amount(att):
    lead = walk(att.lead, att.users.office, [LeadStage.CONTACTED, LeadStage.VISITED])
    before = snapshot(lead)

    with pytest.raises(ValidationError) as e:
        services.move_lead(lead, att.users.office, LeadStage.SIGNED, lead.version)

    assert e.value.message_dict == {"amount": ["Give the investment amount in yuan."]}
    assert snapshot(lead) == before


def test_a_stale_version_is_a_conflict_and_changes_nothing(att):
    seen = att.lead.version
    services.move_lead(att.lead, att.users.admin, LeadStage.CONTACTED, seen)
    before = snapshot(att.lead)

    with pytest.raises(LeadConflict, match="Someone else changed this lead meanwhile"):
        services.move_lead(att.lead, att.users.office, LeadStage.DROPPED, seen)

    assert snapshot(att.lead) == before


def test_a_lead_of_another_chain_is_refused_and_changes_nothing(att):
    before = snapshot(att.d_lead)

    with pytest.raises(PermissionDenied):
        services.move_lead(att.d_lead, att.users.office, LeadStage.CONTACTED, att.d_lead.version)

    assert snapshot(att.d_lead) == before


def test_a_lead_is_opened_once_per_candidate_and_segment_of_its_chain(att):
    with pytest.raises(ValidationError) as e:
        services.start_lead(att.users.office, att.c_raw, att.s_raw)
    assert e.value.messages == ["This candidate is already a lead for this segment."]

    with pytest.raises(ValidationError) as e:
        services.start_lead(att.users.office, att.c_raw, att.s_trial)
    assert e.value.message_dict == {"segment": ["The segment belongs to another chain than the candidate."]}
    assert Lead.objects.count() == 2


class Racer(threading.Thread):
    def __init__(self, step, start):
        super().__init__(daemon=True)
        self.step, self.start_together, self.outcome = step, start, None

    def run(self):
        try:
            self.start_together.wait(10)
            with transaction.atomic():
                self.step()
            self.outcome = "ok"
        except LeadConflict:
            self.outcome = "LeadConflict"
        finally:
            connections.close_all()


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_moving_the_same_version_get_one_winner_and_one_conflict(att):
    lead, version = att.lead, att.lead.version
    start = threading.Barrier(2)
    racers = [Racer(lambda: services.move_lead(lead, att.users.office, LeadStage.CONTACTED, version), start),
              Racer(lambda: services.move_lead(lead, att.users.admin, LeadStage.DROPPED, version), start)]
    for r in racers:
        r.start()
    for r in racers:
        r.join(20)

    assert sorted(r.outcome for r in racers) == ["LeadConflict", "ok"]
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.version == version + 1
    assert list(lead.events.values_list("from_stage", flat=True)) == ["", "found"]


def test_gap_candidates_lists_who_would_fill_each_gap_and_the_open_leads(att):
    rows = {g["segment"].name: g for g in services.gap_candidates(att.chain)}

    assert sorted(rows) == ["医疗服务", "原料药", "细胞与基因治疗"]
    assert [(c.name, lead) for c, lead in rows["原料药"]["candidates"]] == [
        ("上海澄元原料药有限公司", att.lead), ("苏州岚禾生物科技有限公司", None)]
    assert rows["原料药"]["leads"] == 1
    assert [(c.name, lead) for c, lead in rows["细胞与基因治疗"]["candidates"]] == [("苏州岚禾生物科技有限公司", None)]
    assert (rows["医疗服务"]["candidates"], rows["医疗服务"]["leads"]) == ([], 0)


def test_the_map_counts_open_leads_on_their_segment(att):
    upstream = services.map_data(att.chain)["children"][0]
    assert [(n["name"], n["leads"]) for n in upstream["children"]] == [("原料药", 1)]

    services.move_lead(att.lead, att.users.office, LeadStage.DROPPED, att.lead.version)
    upstream = services.map_data(att.chain)["children"][0]
    assert [(n["name"], n["leads"]) for n in upstream["children"]] == [("原料药", 0)]


def test_lead_counts_for_reports(att):
    walk(att.lead, att.users.office, [LeadStage.CONTACTED, LeadStage.VISITED, LeadStage.SIGNED], 200_000_000)
    second = services.start_lead(att.users.office, att.c_both, att.s_cgt)
    walk(second, att.users.office, [LeadStage.CONTACTED, LeadStage.VISITED, LeadStage.SIGNED, LeadStage.LANDED],
         50_000_000)
    walk(att.d_lead, att.users.admin, [LeadStage.CONTACTED, LeadStage.VISITED, LeadStage.SIGNED], 7)
    today = timezone.localdate()

    assert services.lead_counts() == {"signed": 3, "signed_amount": 250_000_007, "landed": 1,
                                      "landed_amount": 50_000_000}
    assert services.lead_counts(chain=att.chain, start=today, end=today) == {
        "signed": 2, "signed_amount": 250_000_000, "landed": 1, "landed_amount": 50_000_000}
    assert services.lead_counts(start=today + datetime.timedelta(days=1)) == {
        "signed": 0, "signed_amount": 0, "landed": 0, "landed_amount": 0}


# ---------------------------------------------------------------- import

CANDIDATE_HEADER = ["企业名称", "所在地区", "统一社会信用代码", "产业链", "环节", "主要产品", "规模", "年营收(元)"]


def workbook(rows):
    wb = Workbook()
    wb.active.append(CANDIDATE_HEADER)
    for row in rows:
        wb.active.append(row)
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def candidates():
    return sorted(Candidate.objects.values_list("name", "region", "revenue"))


def test_importing_candidates_creates_and_updates(att):
    rows = [["上海澄元原料药有限公司", "上海市闵行区", make_uscc(301), "明湖市大健康产业链", "原料药", "API", "Medium",
             800_000_000],
            ["北京珩芯生物试剂有限公司", "北京市大兴区", "", "明湖市大健康产业链", "原料药、细胞与基因治疗", "培养基", "", ""]]

    result = services.import_candidates(workbook(rows), att.users.office)

    assert (result.ok, result.created, result.updated) == (True, 1, 1)
    updated = Candidate.objects.get(pk=att.c_raw.pk)
    assert (updated.region, updated.uscc, updated.revenue, updated.size) == (
        "上海市闵行区", make_uscc(301), 800_000_000, OrgSize.MEDIUM)
    new = Candidate.objects.get(name="北京珩芯生物试剂有限公司")
    assert sorted(s.name for s in new.segments.all()) == ["原料药", "细胞与基因治疗"]


def test_the_cli_imports_candidates_as_the_user_named(att, tmp_path):
    path = tmp_path / "candidates.xlsx"
    path.write_bytes(workbook([["北京珩芯生物试剂有限公司", "北京市大兴区", "", "明湖市大健康产业链", "原料药", "培养基", "",
                                ""]]).read())
    out = StringIO()

    call_command("import_catalogue", "candidates", str(path), "--user", "office", stdout=out)

    assert out.getvalue() == "Imported 1 rows: 1 created, 0 updated.\n"
    assert Candidate.objects.get(name="北京珩芯生物试剂有限公司").region == "北京市大兴区"


def test_every_bad_candidate_row_is_listed_and_nothing_is_written(att):
    before = candidates()
    rows = [["甲公司", "上海", "", "明湖市大健康产业链", "原料药", "", "", ""],
            ["乙公司", "", "", "明湖市大健康产业链", "原料药", "", "", ""],
            ["丙公司", "上海", "", "西湖区生物医药产业链", "临床试验服务", "", "", ""],  # not the office's chain
            ["丁公司", "上海", "", "明湖市大健康产业链", "原料药、不存在", "", "", ""],
            ["戊公司", "上海", "91420100MA0000000X", "明湖市大健康产业链", "原料药", "", "巨型", -5]]

    result = services.import_candidates(workbook(rows), att.users.office)

    assert [(e.row, e.messages) for e in result.errors] == [
        (3, ["所在地区: This field is required."]),
        (4, ["产业链: You keep no chain called 西湖区生物医药产业链."]),
        (5, ["环节: The chain has no segment 不存在."]),
        (6, ["统一社会信用代码: The check character of this unified social credit code is wrong: it should be "
             f"{make_uscc_check('91420100MA0000000')}.",
             "规模: '巨型' is not a known value.",
             "年营收(元): Ensure this value is greater than or equal to 0."]),
    ]
    assert candidates() == before


def make_uscc_check(body):
    from stdnum.cn import uscc

    return uscc.calc_check_digit(body)


def test_the_candidate_import_page(att, client_as):
    client = client_as(att.users.office)
    file = SimpleUploadedFile("c.xlsx", workbook([["甲公司", "上海", "", "明湖市大健康产业链", "原料药", "", "", ""]]).read())

    preview = client.post("/chains/candidates/import/", {"kind": "candidates", "file": file})
    assert not Candidate.objects.filter(name="甲公司").exists()  # the preview writes nothing
    response = client.post("/chains/candidates/import/", {"confirm": preview.context["token"]})

    assert (response.status_code, response["Location"]) == (302, "/chains/candidates/")
    assert Candidate.objects.filter(name="甲公司", chain=att.chain).count() == 1
    assert client_as(att.users.handler).get("/chains/candidates/import/").status_code == 403


# ---------------------------------------------------------------- pages and API: who sees what

@pytest.mark.parametrize("role", ["handler", "specialist", "enterprise", "partner"])
def test_only_the_chain_office_sees_candidates_and_leads(att, client_as, api_as, role):
    user = getattr(att.users, role)
    client, api = client_as(user), api_as(user)
    before = snapshot(att.lead)

    assert client.get("/chains/leads/").context["rows"] == []
    assert client.get("/chains/candidates/").context["rows"] == []
    assert client.get(f"/chains/leads/{att.lead.pk}/").status_code == 404
    assert client.get(f"/chains/candidates/{att.c_raw.pk}/").status_code == 404
    assert client.post(f"/chains/leads/{att.lead.pk}/", {"stage": "contacted", "version": 1}).status_code == 404
    assert api.get("/api/v1/leads/").json()["results"] == []
    # The API refuses any write to those who may change no lead at all, before looking the lead up.
    assert api.post(f"/api/v1/leads/{att.lead.pk}/transition/", {"stage": "contacted", "version": 1},
                    format="json").status_code == 403
    assert snapshot(att.lead) == before


def test_an_office_sees_only_its_own_chains_leads(att, client_as, api_as):
    before = snapshot(att.d_lead)

    assert [obj for obj, _ in client_as(att.users.office).get("/chains/leads/").context["rows"]] == [att.lead]
    assert client_as(att.users.office).get(f"/chains/leads/{att.d_lead.pk}/").status_code == 404
    response = api_as(att.users.office).post(f"/api/v1/leads/{att.d_lead.pk}/transition/",
                                             {"stage": "contacted", "version": 1}, format="json")
    assert response.status_code == 404
    assert snapshot(att.d_lead) == before


def test_the_gap_page_shows_candidates_to_the_office_only(att, client_as):
    office = client_as(att.users.office).get(f"/chains/{att.chain.pk}/gaps/")
    handler = client_as(att.users.handler).get(f"/chains/{att.chain.pk}/gaps/")

    assert "上海澄元原料药有限公司" in office.content.decode()
    assert "上海澄元原料药有限公司" not in handler.content.decode()
    assert handler.context["attracting"] is False


def test_moving_a_lead_on_its_page(att, client_as):
    client = client_as(att.users.office)

    response = client.post(f"/chains/leads/{att.lead.pk}/", {"stage": "contacted", "version": 1, "note": "电话联系"})

    assert response.status_code == 302
    assert Lead.objects.get(pk=att.lead.pk).stage == LeadStage.CONTACTED
    stale = client.post(f"/chains/leads/{att.lead.pk}/", {"stage": "visited", "version": 1})
    assert stale.status_code == 409
    assert "Someone else changed this lead meanwhile (now: Contacted)." in stale.content.decode()
    refused = client.post(f"/chains/leads/{att.lead.pk}/", {"stage": "landed", "version": 2})
    assert refused.context["form"].errors == {
        "stage": ["Select a valid choice. landed is not one of the available choices."]}
    assert Lead.objects.get(pk=att.lead.pk).version == 2


def test_starting_a_lead_from_the_page(att, client_as):
    response = client_as(att.users.office).post("/chains/leads/add/", {
        "candidate": att.c_both.pk, "segment": att.s_cgt.pk, "owner": att.users.office.pk, "note": "论坛结识"})

    lead = Lead.objects.get(candidate=att.c_both, segment=att.s_cgt)
    assert (response.status_code, response["Location"]) == (302, f"/chains/leads/{lead.pk}/")
    assert list(lead.events.values_list("to_stage", "note")) == [("found", "论坛结识")]


def test_the_transition_endpoint(att, api_as):
    api = api_as(att.users.office)
    url = f"/api/v1/leads/{att.lead.pk}/transition/"

    ok = api.post(url, {"stage": "contacted", "version": 1}, format="json")
    assert (ok.status_code, ok.json()["stage"], ok.json()["version"]) == (200, "contacted", 2)
    conflict = api.post(url, {"stage": "visited", "version": 1}, format="json")
    assert (conflict.status_code, conflict.json()) == (409, {"version": [
        "Someone else changed this lead meanwhile (now: Contacted). Reload it and try again."]})
    refused = api.post(url, {"stage": "landed", "version": 2, "amount": 5}, format="json")
    assert (refused.status_code, refused.json()) == (400, {"stage": [
        "A lead that is contacted cannot move to landed."]})
    bad = api.post(url, {"stage": "visited"}, format="json")
    assert (bad.status_code, bad.json()) == (400, {"version": ["This field is required."]})
    assert LeadEvent.objects.filter(lead=att.lead).count() == 2


def test_the_api_refuses_a_lead_or_candidate_across_chains(att, api_as):
    api = api_as(att.users.admin)

    lead = api.post("/api/v1/leads/", {"candidate": att.c_raw.pk, "segment": att.s_trial.pk}, format="json")
    candidate = api.post("/api/v1/candidates/", {"chain": att.chain.pk, "name": "新公司", "region": "上海",
                                                 "segments": [att.s_trial.pk]}, format="json")

    assert (lead.status_code, lead.json()) == (400, {
        "segment": ["The segment belongs to another chain than the candidate."]})
    assert (candidate.status_code, candidate.json()) == (400, {
        "segments": ["Every segment must belong to the candidate's chain."]})
    assert (Lead.objects.count(), Candidate.objects.count()) == (2, 3)


def test_the_api_opens_a_lead_with_its_first_event(att, api_as):
    api = api_as(att.users.office)
    body = {"candidate": att.c_both.pk, "segment": att.s_raw.pk}

    # A lead moves through its stages by /transition/ only: a stage in the body is refused, not dropped.
    refused = api.post("/api/v1/leads/", {**body, "stage": "landed"}, format="json")
    response = api.post("/api/v1/leads/", body, format="json")

    assert (refused.status_code, refused.json()) == (400, {"stage": ["This field cannot be set here."]})
    assert response.status_code == 201
    data = response.json()
    assert (data["stage"], data["version"], [e["to_stage"] for e in data["events"]]) == ("found", 1, ["found"])


def test_the_candidate_form_shows_a_bad_credit_code_at_its_field(att, client_as):
    response = client_as(att.users.office).post(f"/chains/candidates/{att.c_raw.pk}/edit/", {
        "chain": att.chain.pk, "name": "上海澄元原料药有限公司", "region": "上海", "uscc": "91420100MA000000",
        "segments": [att.s_raw.pk]})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "uscc": ["A unified social credit code has 18 characters; this one has 16."]}
    assert Candidate.objects.get(pk=att.c_raw.pk).uscc == ""


def test_the_lead_list_exports_to_excel(att, client_as):
    walk(att.lead, att.users.office, [LeadStage.CONTACTED, LeadStage.VISITED, LeadStage.SIGNED], 150_000_000)

    response = client_as(att.users.office).get("/chains/leads/?export=xlsx")

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[:5] for r in rows] == [
        ("Candidate", "Region", "Segment", "Stage", "Investment amount"),
        ("上海澄元原料药有限公司", "上海市浦东新区", "原料药", "Intention signed",
         "CNY 150 million"),
    ]
