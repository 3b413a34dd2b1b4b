"""The Content-Security-Policy breaks no page: no violation in the console, and the scripts still work."""

import pytest

from chainserve.chains.models import Chain
from chainserve.demo import CHAIN_NAME
from chainserve.registry.models import Organization

pytestmark = pytest.mark.e2e


def watch_console(page):
    """Collect every console message about the Content-Security-Policy (a blocked script or style)."""
    page.csp_violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_violations.append(m.text))
    return page


def test_staff_pages_run_under_the_policy_without_a_violation(demo, page, login):
    watch_console(page)
    login("office")
    chain = Chain.objects.get(name=CHAIN_NAME)
    org = Organization.objects.filter(kind="enterprise").order_by("pk").first()

    for path in ["/", "/registry/organizations/", "/registry/people/", "/registry/relationships/", "/chains/",
                 f"/registry/organizations/{org.pk}/", "/registry/organizations/add/", "/demands/",
                 "/demands/metrics/", "/registry/import/", "/inbox/", "/api/v1/docs/"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers

    # ECharts draws the chain map under the policy (its canvas has a size)
    page.goto(f"/chains/{chain.pk}/map/")
    page.wait_for_function("() => window.chainMap !== undefined")
    assert page.locator("#chain-map canvas").bounding_box()["height"] > 100
    assert page.csp_violations == []


def test_the_language_menu_and_the_import_progress_bar_still_work(demo, page, login):
    watch_console(page)
    login("office")

    # the language menu submits on change (core/behaviours.js, no inline handler)
    page.goto("/registry/organizations/")
    with page.expect_navigation():
        page.select_option("nav select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"

    # the import page's script is a static file now: the progress bar shows while the workbook is checked
    page.goto("/registry/import/")
    page.evaluate("document.getElementById('import-form').addEventListener('submit', e => e.preventDefault())")
    page.click("#import-form button[type=submit]")
    assert "d-none" not in page.locator("#upload-progress").get_attribute("class")
    assert page.csp_violations == []


def test_an_inline_script_would_be_blocked(demo, page, login):
    """The policy is really enforced: script injected into the page as markup does not run."""
    watch_console(page)
    login("office")
    page.goto("/")

    page.evaluate("""() => { const d = document.createElement('div');
        d.innerHTML = '<img src=x onerror="window.__pwned = 1">'; document.body.appendChild(d); }""")
    page.wait_for_timeout(300)

    assert page.evaluate("window.__pwned") is None
    assert page.csp_violations != []
