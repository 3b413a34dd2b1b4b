"""/api/v1/ of the registry: field names, 400 {"field": ["message"]}, Idempotency-Key."""

import pytest

from chainserve.core.models import IdempotencyKey
from chainserve.registry.models import Organization, Person, Relationship
from chainserve.registry.tests.factories import make_uscc, wrong_check_char
from chainserve.registry.tests.test_validators import NOT_VALID

ORGS = "/api/v1/organizations/"


def test_an_organisation_reads_with_the_stable_field_names(world, api_as):
    body = api_as(world.users.handler).get(f"{ORGS}{world.nfs.pk}/").json()

    assert {k: v for k, v in body.items() if k not in {"created", "updated"}} == {
        "id": world.nfs.pk,
        "name": "武汉纽福斯生物科技有限公司",
        "short_name": "纽福斯",
        "kind": "enterprise",
        "uscc": "91420100MA00000012",
        "district": world.dong.pk,
        "park": world.park.pk,
        "founded_on": "2016-03-18",
        "size": "medium",
        "employees": 120,
        "listing_status": "listed",
        "labels": ["hitech", "srdi"],
        "address": "",
        "website": "",
        "description": "",
        "products": [],
    }


def test_create_an_enterprise(world, api_as):
    response = api_as(world.users.office).post(
        ORGS,
        {
            "name": "明湖新创生物有限公司",
            "kind": "enterprise",
            "uscc": make_uscc(60).lower(),
            "district": world.dong.pk,
            "labels": ["hitech", "srdi"],
        },
        format="json",
    )

    assert response.status_code == 201
    org = Organization.objects.get(pk=response.json()["id"])
    assert (org.name, org.uscc, org.district) == ("明湖新创生物有限公司", make_uscc(60), world.dong)
    assert sorted(org.labels.values_list("slug", flat=True)) == ["hitech", "srdi"]
    assert org.history.get().history_user == world.users.office


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"uscc": wrong_check_char(make_uscc(60))},
            {
                "uscc": [
                    f"The check character of this unified social credit code is wrong: it should be "
                    f"{make_uscc(60)[-1]}."
                ]
            },
        ),
        ({"uscc": ""}, {"uscc": ["An enterprise needs its unified social credit code."]}),
        (
            {"uscc": "91420100MA0000001"},
            {"uscc": ["A unified social credit code has 18 characters; this one has 17."]},
        ),
        (
            {"uscc": "91420100MA00000012"},
            {"uscc": ["organisation with this unified social credit code already exists."]},
        ),
        ({"kind": "spaceship"}, {"kind": ['"spaceship" is not a valid choice.']}),
        ({"employees": -1}, {"employees": ["Ensure this value is greater than or equal to 0."]}),
        ({"labels": ["no-such-label"]}, {"labels": ["Object with slug=no-such-label does not exist."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
    ],
)
def test_bad_input_is_answered_400_field_by_field_and_nothing_is_written(world, api_as, payload, errors):
    # given
    count = Organization.objects.count()
    data = {"name": "明湖新创生物有限公司", "kind": "enterprise", "uscc": make_uscc(60), **payload}

    # when
    response = api_as(world.users.office).post(ORGS, data, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == errors
    assert Organization.objects.count() == count


def test_the_park_must_be_a_park(world, api_as):
    count = Organization.objects.count()

    response = api_as(world.users.office).post(
        ORGS, {"name": "甲", "kind": "association", "park": world.bank.pk}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["park"]
    assert Organization.objects.count() == count


def test_a_partial_update_keeps_the_other_fields(world, api_as):
    response = api_as(world.users.office).patch(
        f"{ORGS}{world.nfs.pk}/", {"employees": 121}, format="json"
    )

    assert response.status_code == 200
    world.nfs.refresh_from_db()
    assert (world.nfs.employees, world.nfs.uscc, world.nfs.listing_status) == (
        121,
        "91420100MA00000012",
        "listed",
    )


def test_a_partial_update_cannot_remove_an_enterprises_uscc(world, api_as):
    response = api_as(world.users.office).patch(f"{ORGS}{world.nfs.pk}/", {"uscc": ""}, format="json")

    assert response.status_code == 400
    assert response.json() == {"uscc": ["An enterprise needs its unified social credit code."]}
    world.nfs.refresh_from_db()
    assert world.nfs.uscc == "91420100MA00000012"


def test_a_person_with_a_bad_phone_is_refused(world, api_as):
    count = Person.objects.count()

    response = api_as(world.users.office).post(
        "/api/v1/people/", {"name": "李雷", "organization": world.wz.pk, "phone": "12345"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"phone": [NOT_VALID]}
    assert Person.objects.count() == count


def test_a_person_is_stored_with_the_e164_phone(world, api_as):
    response = api_as(world.users.office).post(
        "/api/v1/people/",
        {"name": "李雷", "organization": world.wz.pk, "phone": "027-87650000"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["phone"] == "+862787650000"


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"target": "wz"}, {"non_field_errors": ["An organisation cannot have a relationship with itself."]}),
        (
            {"started_on": "2024-05-01", "ended_on": "2024-04-30"},
            {"non_field_errors": ["The end date cannot be before the start date."]},
        ),
        (
            {"target": "nfs", "started_on": "2024-01-01"},
            {"non_field_errors": ["This relationship is already recorded."]},
        ),
    ],
)
def test_a_relationship_breaking_a_rule_is_a_400_not_a_500(world, api_as, payload, errors):
    # given
    count = Relationship.objects.count()
    data = {"source": world.wz.pk, "kind": "supplies", "target": world.hospital.pk}
    data.update({k: getattr(world, v).pk if k == "target" else v for k, v in payload.items()})

    # when
    response = api_as(world.users.office).post("/api/v1/relationships/", data, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == errors
    assert Relationship.objects.count() == count


def test_relationships_filter_by_organisation_either_side(world, api_as):
    body = api_as(world.users.handler).get("/api/v1/relationships/", {"organization": world.wz.pk}).json()

    assert [row["id"] for row in body["results"]] == [world.r_dept.pk, world.r_supply.pk, world.r_bank.pk]


def test_relationships_search_by_either_organisation(world, api_as):
    body = api_as(world.users.handler).get("/api/v1/relationships/", {"q": "nsyh"}).json()  # 农商银行

    assert [row["id"] for row in body["results"]] == [world.r_bank.pk]


def test_regions_and_labels_are_listed(world, api_as):
    api = api_as(world.users.partner)
    city = world.dong.parent

    regions = [
        {"id": city.parent_id, "code": "420000", "name": "江南省", "level": "province", "parent": None,
         "path": "420000/"},
        {"id": city.pk, "code": "420100", "name": "明湖市", "level": "city", "parent": city.parent_id,
         "path": "420000/420100/"},
        {"id": world.dong.pk, "code": "420102", "name": "东湖区", "level": "district", "parent": city.pk,
         "path": "420000/420100/420102/"},
        {"id": world.xi.pk, "code": "420103", "name": "西湖区", "level": "district", "parent": city.pk,
         "path": "420000/420100/420103/"},
    ]
    assert api.get("/api/v1/regions/").json()["results"] == regions
    # `districts/`: the name integrators knew them by when they were a city's districts
    assert api.get("/api/v1/districts/").json()["results"] == regions
    assert [row["slug"] for row in api.get("/api/v1/labels/").json()["results"]] == [
        "chain-owner",
        "hitech",
        "srdi",
    ]


# --- Idempotency-Key --------------------------------------------------------------------------------------


def new_org(name="明湖新创生物有限公司", n=60):
    return {"name": name, "kind": "enterprise", "uscc": make_uscc(n)}


def test_the_same_key_twice_creates_one_record_and_answers_the_same(world, api_as):
    # given
    api = api_as(world.users.office)
    count = Organization.objects.count()

    # when the same create is sent twice with one key
    first = api.post(ORGS, new_org(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post(ORGS, new_org(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    # then one record, and the second answer is the first
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Organization.objects.count() == count + 1


def test_a_repeat_with_another_body_is_a_422_and_creates_nothing(world, api_as):
    api = api_as(world.users.office)
    count = Organization.objects.count()

    first = api.post(ORGS, new_org(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post(ORGS, new_org("另一家公司", 61), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, second.status_code) == (201, 422)
    assert Organization.objects.count() == count + 1


def test_different_keys_create_two_records(world, api_as):
    api = api_as(world.users.office)
    count = Organization.objects.count()

    first = api.post(ORGS, new_org("甲公司", 60), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api.post(ORGS, new_org("乙公司", 61), format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert Organization.objects.count() == count + 2


def test_keys_belong_to_their_user(world, api_as):
    count = Organization.objects.count()

    first = api_as(world.users.office).post(
        ORGS, new_org("甲公司", 60), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    second = api_as(world.users.admin).post(
        ORGS, new_org("乙公司", 61), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert first.json()["id"] != second.json()["id"]
    assert Organization.objects.count() == count + 2


def test_a_failed_create_does_not_keep_its_key(world, api_as):
    # given a create that fails validation
    api = api_as(world.users.office)
    count = Organization.objects.count()
    bad = api.post(
        ORGS,
        {**new_org(), "uscc": wrong_check_char(make_uscc(60))},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert bad.status_code == 400
    assert IdempotencyKey.objects.count() == 0

    # when it is corrected and sent again with the same key
    good = api.post(ORGS, new_org(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    # then it is created
    assert good.status_code == 201
    assert "Idempotent-Replayed" not in good
    assert Organization.objects.count() == count + 1
    assert IdempotencyKey.objects.get().status == 201


def test_a_forbidden_create_does_not_keep_its_key(world, api_as):
    count = Organization.objects.count()

    response = api_as(world.users.handler).post(ORGS, new_org(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 403
    assert IdempotencyKey.objects.count() == 0
    assert Organization.objects.count() == count


def test_the_same_key_on_another_endpoint_is_another_create(world, api_as):
    api = api_as(world.users.office)

    org = api.post(ORGS, new_org(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    person = api.post(
        "/api/v1/people/",
        {"name": "李雷", "organization": world.wz.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )

    assert (org.status_code, person.status_code) == (201, 201)
    assert person.json()["name"] == "李雷"
