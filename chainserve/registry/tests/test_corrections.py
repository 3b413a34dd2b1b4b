"""Correction requests (信息更正申请): the enterprise asks, the chain office approves or refuses with a reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chainserve.core.models import Notification
from chainserve.registry import services
from chainserve.registry.models import CorrectionRequest, Organization
from chainserve.registry.tests.factories import UserFactory


def ask(world, field="employees", value="150", reason="2026年社保缴纳人数为150人。"):
    return services.request_correction(world.users.enterprise, world.nfs, field, value, reason)


def file_of(org):
    org = Organization.objects.get(pk=org.pk)
    return (org.employees, org.size, org.district_id, sorted(org.labels.values_list("slug", flat=True)),
            org.history.count())


def test_the_enterprise_asks_and_the_office_is_told(world):
    correction = ask(world)

    assert (correction.field, correction.current_value, correction.proposed_value, correction.status) == (
        "employees", "120", "150", "pending")
    assert Notification.objects.get(user=world.users.office, key=f"correction:{correction.pk}").url == (
        f"/registry/corrections/{correction.pk}/")


def test_approving_applies_the_change_as_the_office_in_the_history(world):
    correction = ask(world)
    before = world.nfs.history.count()

    services.approve_correction(world.users.office, correction.pk)

    correction.refresh_from_db()
    world.nfs.refresh_from_db()
    assert (correction.status, correction.decided_by) == ("approved", world.users.office)
    assert world.nfs.employees == 150
    latest = world.nfs.history.first()
    assert (world.nfs.history.count(), latest.history_user, latest.employees) == (before + 1, world.users.office, 150)
    told = Notification.objects.get(user=world.users.enterprise, key=f"correction:{correction.pk}:approved")
    assert told.title == "更正已通过：员工人数"  # the platform's language, not the request's


def test_approving_choices_records_and_labels(world):
    for field, value in [("size", "large"), ("district", str(world.xi.pk)), ("labels", [str(world.owner_label.pk)])]:
        services.approve_correction(world.users.office, ask(world, field, value).pk)

    org = Organization.objects.get(pk=world.nfs.pk)
    assert (org.size, org.district, list(org.labels.values_list("slug", flat=True))) == (
        "large", world.xi, ["chain-owner"])
    shown = dict(CorrectionRequest.objects.values_list("field", "proposed_value"))
    assert shown == {"size": "Large", "district": "西湖区", "labels": "链主"}


def test_refusing_needs_a_reason_and_tells_the_enterprise(world):
    correction = ask(world)
    before = file_of(world.nfs)

    with pytest.raises(ValidationError) as e:
        services.refuse_correction(world.users.office, correction.pk, "  ")
    assert e.value.message_dict == {"refusal_reason": ["Say why the request is refused."]}
    services.refuse_correction(world.users.office, correction.pk, "与社保记录不符，请附证明。")

    correction.refresh_from_db()
    assert (correction.status, correction.refusal_reason) == ("refused", "与社保记录不符，请附证明。")
    assert file_of(world.nfs) == before
    told = Notification.objects.get(user=world.users.enterprise, key=f"correction:{correction.pk}:refused")
    assert told.body == "与社保记录不符，请附证明。"


def test_the_messages_are_stored_in_the_platforms_language_whoever_acts(world):
    # The service calls here run in English, like the demo loader and an API client asking in English.
    correction = ask(world)
    services.refuse_correction(world.users.office, correction.pk, "与社保记录不符，请附证明。")

    asked = Notification.objects.get(user=world.users.office, key=f"correction:{correction.pk}")
    told = Notification.objects.get(user=world.users.enterprise, key=f"correction:{correction.pk}:refused")
    assert (asked.title, told.title) == (f"更正申请：{world.nfs.name}，员工人数", "更正被退回：员工人数")


@pytest.mark.parametrize(("field", "value", "reason", "errors"), [
    ("employees", "-3", "人数", {"proposed_value": ["Ensure this value is greater than or equal to 0."]}),
    ("employees", "120", "人数", {"proposed_value": ["This is already the value on file."]}),
    ("employees", "150", " ", {"reason": ["Say why the file should change."]}),
    ("founded_on", "2016-13-01", "日期", {"proposed_value": ["Enter a valid date."]}),
    ("founded_on", {"y": 2016}, "日期", {"proposed_value": ["Give the value as text."]}),
    ("labels", "hitech", "标签", {"proposed_value": ["Give the labels as a list."]}),
    ("labels", [{"pk": 1}], "标签", {"proposed_value": ["Enter a list of values."]}),
])
def test_bad_requests_are_refused_at_the_field(world, field, value, reason, errors):
    with pytest.raises(ValidationError) as e:
        ask(world, field, value, reason)

    assert e.value.message_dict == errors
    assert CorrectionRequest.objects.count() == 0


def test_the_name_and_credit_code_are_not_asked_for(world):
    with pytest.raises(ValidationError) as e:
        ask(world, "uscc", "91420100MA0000019X")
    assert e.value.message_dict == {"field": ["This field cannot be corrected by request."]}


def test_one_request_per_field_waits_at_a_time(world):
    ask(world)

    with pytest.raises(ValidationError) as e:
        ask(world, value="160")
    assert e.value.message_dict == {"field": ["A correction of this field is already waiting for the chain office."]}
    assert CorrectionRequest.objects.count() == 1


def test_a_field_changed_since_the_request_is_a_conflict(world):
    correction = ask(world)
    world.nfs.employees = 130
    world.nfs.save()

    with pytest.raises(ValidationError) as e:
        services.approve_correction(world.users.office, correction.pk)

    assert e.value.messages == ["The employees on file changed since the request (it is now 130): refuse the "
                                "request, the enterprise can ask again."]
    assert CorrectionRequest.objects.get(pk=correction.pk).status == "pending"
    assert Organization.objects.get(pk=world.nfs.pk).employees == 130


def test_a_decided_request_is_not_decided_again(world):
    correction = ask(world)
    services.approve_correction(world.users.office, correction.pk)

    with pytest.raises(ValidationError) as e:
        services.refuse_correction(world.users.admin, correction.pk, "晚了")
    assert e.value.messages == ["This request was already decided (Approved by office)."]
    assert CorrectionRequest.objects.get(pk=correction.pk).status == "approved"


@pytest.mark.parametrize("role", ["handler", "specialist", "enterprise", "partner"])
def test_only_a_chain_office_decides(world, role):
    correction = ask(world)
    before = file_of(world.nfs)

    with pytest.raises((PermissionDenied, CorrectionRequest.DoesNotExist)):
        services.approve_correction(getattr(world.users, role), correction.pk)
    with pytest.raises((PermissionDenied, CorrectionRequest.DoesNotExist)):
        services.refuse_correction(getattr(world.users, role), correction.pk, "不同意")

    assert CorrectionRequest.objects.get(pk=correction.pk).status == "pending"
    assert file_of(world.nfs) == before


def test_an_office_of_other_chains_does_not_decide(world):
    other = UserFactory(username="office2", role="office")  # staffs no chain 纽福斯 is on
    correction = ask(world)

    with pytest.raises(CorrectionRequest.DoesNotExist):
        services.approve_correction(other, correction.pk)
    assert Organization.objects.get(pk=world.nfs.pk).employees == 120


@pytest.mark.parametrize("role", ["office", "handler", "specialist", "partner"])
def test_only_the_enterprise_itself_asks(world, role):
    with pytest.raises(PermissionDenied):
        services.request_correction(getattr(world.users, role), world.nfs, "employees", "150", "理由")
    other = UserFactory(username="enterprise2", role="enterprise", organization=world.wz)
    with pytest.raises(PermissionDenied):
        services.request_correction(other, world.nfs, "employees", "150", "理由")
    assert CorrectionRequest.objects.count() == 0


# ---------------------------------------------------------------- pages and API


def test_the_pages_ask_and_decide(world, client_as):
    enterprise, office = client_as(world.users.enterprise), client_as(world.users.office)
    url = f"/registry/organizations/{world.nfs.pk}/corrections/add/?field=size"

    form = enterprise.get(url)
    assert form.status_code == 200 and form.context["current"] == "Medium"
    bad = enterprise.post(url, {"proposed_value": "huge", "reason": "扩产"})
    assert bad.status_code == 200
    assert bad.context["form"].errors == {"proposed_value": [
        "Select a valid choice. huge is not one of the available choices."]}
    assert enterprise.post(url, {"proposed_value": "large", "reason": "扩产后员工超过300人"}).status_code == 302
    correction = CorrectionRequest.objects.get()

    listed = office.get("/registry/corrections/", {"status": "pending"})
    assert [c.pk for c in listed.context["page"].object_list] == [correction.pk]
    assert office.post(f"/registry/corrections/{correction.pk}/", {"decision": "refuse"}).context["refusal"].errors == {
        "refusal_reason": ["Say why the request is refused."]}
    assert office.post(f"/registry/corrections/{correction.pk}/", {"decision": "approve"}).status_code == 302
    assert Organization.objects.get(pk=world.nfs.pk).size == "large"
    assert "Approved" in enterprise.get(f"/registry/organizations/{world.nfs.pk}/").content.decode()


def test_the_enterprise_edit_link_leads_to_its_file_not_a_403(world, client_as):
    response = client_as(world.users.enterprise).get(f"/registry/organizations/{world.nfs.pk}/edit/")

    assert response.status_code == 302
    assert response.url == f"/registry/organizations/{world.nfs.pk}/#corrections"
    assert client_as(world.users.enterprise).post(f"/registry/organizations/{world.nfs.pk}/edit/", {
        "name": "改名"}).status_code == 403
    assert Organization.objects.get(pk=world.nfs.pk).name == "武汉纽福斯生物科技有限公司"


def test_the_api_asks_lists_and_decides(world, api_as):
    enterprise, office = api_as(world.users.enterprise), api_as(world.users.office)

    bad = enterprise.post("/api/v1/corrections/", {"organization": world.nfs.pk, "field": "employees",
                                                   "proposed_value": "many", "reason": "x"}, format="json")
    assert (bad.status_code, bad.json()) == (400, {"proposed_value": ["Enter a whole number."]})
    made = enterprise.post("/api/v1/corrections/", {"organization": world.nfs.pk, "field": "employees",
                                                    "proposed_value": "150", "reason": "社保人数"}, format="json")
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert [row["id"] for row in office.get("/api/v1/corrections/").json()["results"]] == [pk]
    assert api_as(world.users.handler).get("/api/v1/corrections/").json()["results"] == []
    refused = office.post(f"/api/v1/corrections/{pk}/refuse/", {}, format="json")
    assert (refused.status_code, refused.json()) == (400, {"refusal_reason": ["Say why the request is refused."]})
    approved = office.post(f"/api/v1/corrections/{pk}/approve/", {}, format="json")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    again = office.post(f"/api/v1/corrections/{pk}/approve/", {}, format="json")
    assert again.status_code == 409
    assert Organization.objects.get(pk=world.nfs.pk).employees == 150


@pytest.mark.parametrize("role", ["admin", "office", "handler", "specialist", "partner"])
def test_the_api_tells_who_may_not_ask_before_reading_the_body(world, api_as, role):
    """As the page does (403 to anyone but the enterprise): a body the endpoint does not take, or none, is a 403 for
    those who never ask, not a 400 about its fields (tests/on_the_demo/test_role_parity.py)."""
    api = api_as(getattr(world.users, role))

    answers = [api.post("/api/v1/corrections/", body, format="json").status_code
               for body in ({}, {"no_such_field": 1}, {"organization": world.nfs.pk, "field": "employees",
                                                       "proposed_value": "150", "reason": "理由"})]

    assert answers == [403, 403, 403]
    assert api_as(world.users.enterprise).post("/api/v1/corrections/", {}, format="json").status_code == 400
    assert CorrectionRequest.objects.count() == 0
