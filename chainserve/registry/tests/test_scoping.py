"""Who sees and changes what in the registry, role by role, in the pages and in the API."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from chainserve.core import tokens
from chainserve.registry.models import Organization, Person, Relationship
from chainserve.registry.tables import PersonTable

STAFF = ["admin", "office", "handler", "specialist"]
EDITORS = ["admin", "office", "specialist"]
READ_ONLY = ["handler", "enterprise", "partner"]

ALL_ORGS = {"park", "nfs", "wz", "bank", "dept", "hospital"}
ALL_PEOPLE = {"p_nfs", "p_wz", "p_bank"}
ALL_RELATIONSHIPS = {"r_supply", "r_bank", "r_dept"}

VISIBLE = {
    # role: (organisations, people, relationships)
    **{role: (ALL_ORGS, ALL_PEOPLE, ALL_RELATIONSHIPS) for role in STAFF},
    "enterprise": ({"nfs"}, {"p_nfs"}, {"r_supply"}),  # its own enterprise, its people, its relationships
    "partner": ({"bank"}, {"p_bank"}, {"r_bank"}),
}
RESOURCES = [
    # (index in VISIBLE, page, API)
    (0, "/registry/organizations/", "/api/v1/organizations/"),
    (1, "/registry/people/", "/api/v1/people/"),
    (2, "/registry/relationships/", "/api/v1/relationships/"),
]
ROLES = list(VISIBLE)


def pks(world, names):
    return {getattr(world, name).pk for name in names}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("index", "page", "api"), RESOURCES)
def test_lists_show_exactly_what_the_role_may_see(world, client_as, api_as, role, index, page, api):
    # given
    user = getattr(world.users, role)
    expected = pks(world, VISIBLE[role][index])

    # when / then: the page …
    response = client_as(user).get(page, {"per_page": 100})
    assert response.status_code == 200
    assert {obj.pk for obj in response.context["page"].object_list} == expected
    # … and the API list the same records
    body = api_as(user).get(api, {"limit": 100}).json()
    assert {row["id"] for row in body["results"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("role", ["enterprise", "partner"])
def test_others_records_are_not_found(world, client_as, api_as, role):
    # given everything outside the role's own organisation
    user = getattr(world.users, role)
    orgs, people, relationships = VISIBLE[role]
    client, api = client_as(user), api_as(user)

    # when / then
    for name in ALL_ORGS - orgs:
        pk = getattr(world, name).pk
        assert client.get(f"/registry/organizations/{pk}/").status_code == 404, name
        assert api.get(f"/api/v1/organizations/{pk}/").status_code == 404, name
    for name in ALL_PEOPLE - people:
        pk = getattr(world, name).pk
        assert client.get(f"/registry/people/{pk}/").status_code == 404, name
        assert api.get(f"/api/v1/people/{pk}/").status_code == 404, name
    for name in ALL_RELATIONSHIPS - relationships:
        assert api.get(f"/api/v1/relationships/{getattr(world, name).pk}/").status_code == 404, name
    # while their own are found
    for name in orgs:
        assert client.get(f"/registry/organizations/{getattr(world, name).pk}/").status_code == 200


@pytest.mark.parametrize("role", STAFF)
def test_staff_open_any_organisation(world, client_as, role):
    client = client_as(getattr(world.users, role))

    for org in world.orgs:
        assert client.get(f"/registry/organizations/{org.pk}/").status_code == 200


def snapshot():
    """What the registry holds, to compare before and after a refused write."""
    return (
        sorted(Organization.objects.values_list("pk", "name", "uscc", "employees")),
        sorted(Person.objects.values_list("pk", "name", "organization", "phone")),
        sorted(Relationship.objects.values_list("pk", "source", "kind", "target")),
    )


@pytest.mark.parametrize("role", ["admin", "office"])
def test_editors_create_organisations_through_the_api(world, api_as, role):
    response = api_as(getattr(world.users, role)).post(
        "/api/v1/organizations/", {"name": f"{role}新建协会", "kind": "association"}, format="json"
    )

    assert response.status_code == 201
    assert Organization.objects.get(pk=response.json()["id"]).name == f"{role}新建协会"


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_write_through_the_api(world, api_as, role):
    # given
    api = api_as(getattr(world.users, role))
    before = snapshot()
    own = {"enterprise": world.nfs, "partner": world.bank, "handler": world.dept}[role]

    # when / then: create, change and delete are refused, of its own records and of others'
    assert (
        api.post(
            "/api/v1/organizations/", {"name": "新协会", "kind": "association"}, format="json"
        ).status_code
        == 403
    )
    for org in (own, world.wz):
        assert (
            api.patch(f"/api/v1/organizations/{org.pk}/", {"employees": 1}, format="json").status_code == 403
        )
        assert api.delete(f"/api/v1/organizations/{org.pk}/").status_code == 403
    assert (
        api.post("/api/v1/people/", {"name": "张三", "organization": own.pk}, format="json").status_code
        == 403
    )
    for person in (world.p_nfs, world.p_wz):
        assert api.patch(f"/api/v1/people/{person.pk}/", {"title": "x"}, format="json").status_code == 403
    assert (
        api.post(
            "/api/v1/relationships/",
            {"source": own.pk, "kind": "supplies", "target": world.wz.pk},
            format="json",
        ).status_code
        == 403
    )
    assert api.delete(f"/api/v1/relationships/{world.r_supply.pk}/").status_code == 403
    # and nothing changed
    assert snapshot() == before


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_open_the_forms(world, client_as, role):
    # given
    client = client_as(getattr(world.users, role))
    before = snapshot()
    own_org = {"enterprise": world.nfs, "partner": world.bank, "handler": world.dept}[role]

    # when / then: the add forms are forbidden; editing one's own organisation is forbidden
    assert client.get("/registry/organizations/add/").status_code == 403
    assert (
        client.post(
            "/registry/organizations/add/",
            {"name": "新协会", "kind": "association", "listing_status": "none"},
        ).status_code
        == 403
    )
    assert client.get("/registry/people/add/").status_code == 403
    assert client.get("/registry/relationships/add/").status_code == 403
    # the enterprise is led to its file, where it asks for corrections; the bank's user is refused
    edit = client.get(f"/registry/organizations/{own_org.pk}/edit/")
    assert (edit.status_code, edit.get("Location")) == (
        (302, f"/registry/organizations/{own_org.pk}/#corrections") if role == "enterprise" else (403, None))
    assert client.post(f"/registry/organizations/{own_org.pk}/edit/", {"name": "改名"}).status_code == 403
    assert client.get(f"/registry/organizations/{own_org.pk}/products/add/").status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("role", ["enterprise", "partner"])
def test_editing_others_records_is_not_found(world, client_as, role):
    client = client_as(getattr(world.users, role))
    before = snapshot()

    assert client.get(f"/registry/organizations/{world.wz.pk}/edit/").status_code == 404
    assert client.post(f"/registry/organizations/{world.wz.pk}/edit/", {"name": "改名"}).status_code == 404
    assert client.post(f"/registry/people/{world.p_wz.pk}/edit/", {"name": "改名"}).status_code == 404
    assert client.get(f"/registry/organizations/{world.wz.pk}/products/add/").status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("role", ["enterprise", "partner"])
def test_phone_numbers_are_hidden_from_non_staff(world, client_as, api_as, role):
    # given the role's own contact person
    user = getattr(world.users, role)
    person = world.p_nfs if role == "enterprise" else world.p_bank
    client, api = client_as(user), api_as(user)

    # then neither the API …
    listed = api.get("/api/v1/people/").json()["results"]
    assert [sorted(row) for row in listed] == [
        ["created", "email", "id", "name", "organization", "title", "updated"]
    ]
    assert "phone" not in api.get(f"/api/v1/people/{person.pk}/").json()
    # … nor the pages show the number
    for url in [
        "/registry/people/",
        f"/registry/people/{person.pk}/",
        f"/registry/organizations/{person.organization_id}/",
    ]:
        html = client.get(url).content.decode()
        assert person.email in html, url  # the page does show the person …
        assert person.phone not in html, url  # … but not the number
    people_page = client.get("/registry/people/")
    assert [c.name for c in people_page.context["table"].columns] == [
        "name",
        "organization",
        "title",
        "email",
    ]


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_phone_numbers(world, client_as, api_as, role):
    user = getattr(world.users, role)

    assert api_as(user).get(f"/api/v1/people/{world.p_nfs.pk}/").json()["phone"] == "+8613812345678"
    assert "+8613812345678" in client_as(user).get(f"/registry/people/{world.p_nfs.pk}/").content.decode()
    assert (
        "+8613812345678" in client_as(user).get(f"/registry/organizations/{world.nfs.pk}/").content.decode()
    )


def test_the_export_of_people_holds_no_phone_for_non_staff(world, client_as):
    response = client_as(world.users.enterprise).get("/registry/people/", {"export": "xlsx"})

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows == [
        tuple(str(c.label) for c in PersonTable.columns),  # name, organisation, title, e-mail: no phone
        ("王思远", "武汉纽福斯生物科技有限公司", "总经理", "wsy@example.cn"),
    ]
    assert [c.name for c in PersonTable.columns] == ["name", "organization", "title", "email"]


def test_an_enterprise_sees_its_relationships_from_its_side_only(world, client_as):
    html = client_as(world.users.enterprise).get(f"/registry/organizations/{world.nfs.pk}/").content.decode()

    assert f'supplied by <a href="/registry/organizations/{world.wz.pk}/">{world.wz.name}</a>' in html
    assert world.bank.name not in html  # the bank's relationship with 温州康宁 is not theirs
    assert "Not placed on any chain." not in html  # its own placements are its file's (一企一档)


def test_anonymous_users_are_sent_to_log_in(world, client_as, api_as):
    assert client_as(None).get("/registry/organizations/")["Location"] == (
        "/accounts/login/?next=/registry/organizations/"
    )
    assert api_as(None).get("/api/v1/organizations/").status_code == 401


def test_an_inactive_users_token_is_refused(world, api_as):
    # given a token of a user who has since been deactivated
    _, key = tokens.issue(world.users.specialist)
    world.users.specialist.is_active = False
    world.users.specialist.save()
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert api.get("/api/v1/organizations/").status_code == 401


def test_a_specialist_is_offered_no_way_to_add_organisations(world, client_as, api_as):
    """It may change the enterprises it serves, not add any: no add button, no import in the menu, and the
    form, the import page and the API refuse it (before, the form was offered and the save refused)."""
    count = Organization.objects.count()
    client = client_as(world.users.specialist)

    page = client.get("/registry/organizations/").content.decode()
    assert 'href="/registry/organizations/add/"' not in page
    assert 'href="/registry/import/"' not in page
    assert client.get("/registry/organizations/add/").status_code == 403
    assert client.get("/registry/import/").status_code == 403
    response = api_as(world.users.specialist).post(
        "/api/v1/organizations/", {"name": "明湖新设有限公司", "kind": "association"}, format="json")
    assert response.status_code == 403
    assert Organization.objects.count() == count
    # the office is offered both
    office = client_as(world.users.office).get("/registry/organizations/").content.decode()
    assert 'href="/registry/organizations/add/"' in office and 'href="/registry/import/"' in office
