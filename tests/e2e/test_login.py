"""Logging in, and what an enterprise user may (not) see."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from chainserve.chains.models import Chain
from chainserve.core.forms import LoginForm
from chainserve.core.models import User
from chainserve.demo import CHAIN_NAME
from chainserve.registry.models import Organization

pytestmark = pytest.mark.e2e


def test_office_logs_in_and_sees_its_chains(demo, page, login):
    login("office")

    assert page.url.endswith("/") and "/accounts/login/" not in page.url
    with translation.override(settings.LANGUAGE_CODE):
        workbench = _("Workbench")
    assert page.locator("main h1").inner_text() == workbench
    office = User.objects.get(username="office")
    chains = sorted(Chain.objects.filter(staff=office).values_list("name", flat=True))
    assert CHAIN_NAME in chains and len(chains) == 2
    listed = page.locator("#chains li a.fw-semibold")  # its chains on its desk
    assert listed.all_inner_texts() == chains
    # the chain map button of the city chain leads to its map
    city = Chain.objects.get(name=CHAIN_NAME)
    assert page.locator(f'#chains a[href="/chains/{city.pk}/map/"]').count() == 1
    # the user is shown as logged in
    assert "周敏" in page.locator("nav").inner_text()


def test_wrong_password_shows_the_error_and_stays_logged_out(demo, page, login):
    login("office", "not-the-password")

    assert page.url.endswith("/accounts/login/")
    with translation.override(settings.LANGUAGE_CODE):
        form = LoginForm()
        expected = form.error_messages["invalid_login"] % {"username": form.username_field.verbose_name}
    assert page.locator("main .alert-danger").inner_text().strip() == expected
    assert page.locator("nav form[action='/accounts/logout/']").count() == 0
    # still logged out: the home page sends us back to the login form
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("#id_password").is_visible()


def test_enterprise_user_sees_only_its_own_organisation(demo, page, login):
    user = User.objects.get(username="enterprise")
    own = user.organization
    assert own.name == "明湖澜泽基因技术有限公司"
    login("enterprise")

    assert "/accounts/login/" not in page.url
    # "my organisation" in the navigation opens its own organisation
    with page.expect_navigation():
        page.locator(f'nav a[href="/registry/organizations/{own.pk}/"]').click()
    assert page.url.endswith(f"/registry/organizations/{own.pk}/")
    assert page.locator("main h1").inner_text().startswith(own.name)
    # the navigation has no registry or chain links, only "my organisation"
    hrefs = [a.get_attribute("href") or "" for a in page.locator("nav a").all()]
    registry_links = [h for h in hrefs if h.startswith(("/registry/", "/chains/"))]
    assert registry_links == [f"/registry/organizations/{own.pk}/"]
    for path in ("/registry/organizations/", "/registry/people/", "/registry/relationships/",
                 "/registry/import/", "/chains/"):
        assert page.locator(f'nav a[href="{path}"]').count() == 0

    # another organisation's page does not exist for this user
    other = Organization.objects.exclude(pk=own.pk).order_by("pk").first()
    response = page.goto(f"/registry/organizations/{other.pk}/")
    assert response.status == 404
    assert other.name not in page.content()
    # and neither does a chain map
    chain = Chain.objects.get(name=CHAIN_NAME)
    assert page.goto(f"/chains/{chain.pk}/map/").status == 404
    # the import page is refused
    assert page.goto("/registry/import/").status == 403
    # the organisation list holds exactly one record: its own
    page.goto("/registry/organizations/")
    assert page.locator("main table tbody tr td:first-child a").all_inner_texts() == [own.name]
