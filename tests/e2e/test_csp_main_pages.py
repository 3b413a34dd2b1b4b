"""The main pages of every kind of user run under the strict Content-Security-Policy — script-src 'self'
alone: no hashed inline handlers, no inline script on the API docs — and the browser reports no violation.

The pages are every page without a parameter in the URL map (so pages added later are visited too),
the detail pages of one demo record each, and the API docs; the language menu and a form's Cancel link
(behaviours in core/behaviours.js) are used, not only loaded."""

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from chainserve.chains.models import Chain
from chainserve.core.tests.urlmap import url_patterns
from chainserve.demands.models import Demand
from chainserve.demo import CHAIN_NAME
from chainserve.registry.models import Organization

pytestmark = pytest.mark.e2e

SKIPPED_PREFIXES = ("accounts/", "i18n/", "admin/", "api/")  # auth and the language switch post; admin is Django's


@pytest.fixture
def strict_policy(settings):
    """The project's policy with script-src reduced to 'self', on every path."""
    settings.CONTENT_SECURITY_POLICY = re.sub(r"script-src [^;]*", "script-src 'self'",
                                              settings.CONTENT_SECURITY_POLICY)
    settings.CONTENT_SECURITY_POLICY_PATHS = {}
    return settings.CONTENT_SECURITY_POLICY


def watch(page):
    """Every violation the page reports: the DOM event, and Chromium's console message."""
    page.violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.violations.append(m.text))
    page.add_init_script("""document.addEventListener('securitypolicyviolation',
        e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));""")
    return page


def plain_pages():
    """'/path/' for every page of the URL map without a parameter, outside SKIPPED_PREFIXES."""
    return ["/" + route for route, _, _ in url_patterns(SKIPPED_PREFIXES) if not any(c in route for c in "<(^")]


def visit(page, paths):
    """Open each path; returns those that answered 200 with a page (others are not this user's)."""
    shown = []
    for path in paths:
        try:
            response = page.goto(path)
        except PlaywrightError:  # an error status with an empty body (405 on a POST-only address) is no page,
            # and Chromium goes on to its error page: let it land first — from some pages (the live bulletin) it
            # stays where it was instead, which is as good a start for the next address
            with contextlib.suppress(PlaywrightError):
                page.wait_for_url("chrome-error://**", timeout=3000)
            continue
        if response.status == 200 and response.headers["content-type"].startswith("text/html"):
            assert response.headers["content-security-policy"].count("script-src 'self';") == 1, path
            shown.append(path)
    return shown


def test_staff_pages_report_no_violation(demo, strict_policy, page, login):
    watch(page)
    login("office")
    chain = Chain.objects.get(name=CHAIN_NAME)
    org = Organization.objects.filter(kind="enterprise").order_by("pk").first()
    demand = Demand.objects.order_by("pk").first()
    details = [f"/chains/{chain.pk}/", f"/chains/{chain.pk}/map/", f"/chains/{chain.pk}/gaps/",
               f"/registry/organizations/{org.pk}/", f"/registry/organizations/{org.pk}/edit/",
               f"/demands/{demand.pk}/", "/api/v1/docs/"]

    shown = visit(page, plain_pages() + details)

    assert {"/", "/registry/organizations/", "/demands/", "/demands/metrics/", "/coordination/meetings/",
            "/inbox/"} <= set(shown)
    assert set(details) <= set(shown)
    page.goto("/api/v1/docs/")  # Swagger UI starts from its script file and renders the operations
    # the first visit in a process generates the schema: seconds alone, far longer beside the other worker (a wait)
    page.wait_for_selector("#swagger-ui .opblock", timeout=90_000)
    assert page.violations == []


def test_enterprise_and_handler_pages_report_no_violation(demo, strict_policy, page, login, switch):
    watch(page)
    login("enterprise")
    shown = visit(page, plain_pages())
    assert {"/portal/", "/portal/demands/new/", "/coordination/mine/", "/inbox/"} <= set(shown)

    switch("handler")
    shown = visit(page, plain_pages())
    assert {"/demands/inbox/", "/demands/"} <= set(shown)
    assert page.violations == []


def test_the_language_menu_and_the_cancel_link_work_from_the_static_file(demo, strict_policy, page, login):
    watch(page)
    login("office")

    page.goto("/registry/organizations/")
    with page.expect_navigation():
        page.select_option("nav select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"

    page.click("text=Add")  # the list's add button → a new record's form, whose Cancel goes back
    assert page.url.endswith("/registry/organizations/add/")
    with page.expect_navigation():
        page.click("main a:has-text('Cancel')")
    assert page.url.endswith("/registry/organizations/")
    assert page.violations == []
