"""Log in, the home page by role, and the error pages."""

from chainserve.registry.tests.factories import PASSWORD, UserFactory


def test_log_in_with_the_right_password(world, client_as):
    client = client_as(None)

    response = client.post("/accounts/login/", {"username": "office", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == world.users.office


def test_a_wrong_password_is_refused_with_a_message(world, client_as):
    response = client_as(None).post("/accounts/login/", {"username": "office", "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    ]


def test_enterprise_users_land_on_the_portal_and_partners_on_their_workbench(world, client_as):
    partner = client_as(world.users.partner).get("/")

    assert client_as(world.users.enterprise).get("/")["Location"] == "/portal/"
    assert partner.status_code == 200
    assert [t.name for t in partner.templates][0] == "workbench/home.html"


def test_an_enterprise_user_without_organisation_sees_an_empty_workbench(world, client_as):
    response = client_as(UserFactory(role="enterprise")).get("/")

    assert response.status_code == 200
    assert response.context["panels"] == []


def test_the_home_page_needs_a_login(db, client_as):
    assert client_as(None).get("/")["Location"] == "/accounts/login/?next=/"


def test_an_unknown_page_is_the_404_page(world, client_as):
    response = client_as(world.users.office).get("/registry/organizations/999999/")

    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "errors/404.html"


def test_a_forbidden_page_is_the_403_page(world, client_as):
    response = client_as(world.users.handler).get("/registry/organizations/add/")

    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "errors/403.html"
