"""Pages of policy applications: apply, the steps, 我的申报 and the queue, the public 公示 page, figures."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chainserve.resources import applications as apps
from chainserve.resources.choices import ApplicationState as S
from chainserve.resources.models import PolicyApplication

from .test_applications import close_window, published


@pytest.fixture
def road(world):
    world.policy = published(title="研发费用补助", issuer=world.dept)
    return world


def test_apply_on_the_page_then_the_department_approves(road, client_as):
    firm = client_as(road.users.enterprise)
    doc = SimpleUploadedFile("材料.pdf", b"%PDF-1.4", content_type="application/pdf")
    answer = firm.post(f"/resources/policies/{road.policy.pk}/apply/", {
        "amount": "12.5", "input_name": ["研发投入", ""], "input_value": ["100万元", ""], "statement": "申请",
        "files": [doc]})
    a = PolicyApplication.objects.get()
    assert answer.status_code == 302 and answer.url == f"/resources/applications/{a.pk}/"
    assert (a.amount_applied, a.inputs, a.documents.count()) == (1250, {"研发投入": "100万元"}, 1)

    dept = client_as(road.users.handler)
    page = dept.get(f"/resources/applications/{a.pk}/").content.decode()
    assert 'id="step-approve"' in page and 'id="step-receive"' not in page
    dept.post(f"/resources/applications/{a.pk}/steps/approve/", {"amount": "10", "version": "1"})
    a.refresh_from_db()
    assert (a.state, a.amount_approved) == (S.APPROVED, 1000)
    assert "Approved" in firm.get(f"/resources/applications/{a.pk}/").content.decode()


def test_a_step_refused_on_the_page_shows_why_and_changes_nothing(road, client_as):
    a = apps.apply(road.policy, road.users.enterprise)
    answer = client_as(road.users.handler).post(f"/resources/applications/{a.pk}/steps/refuse/", {"reason": ""},
                                                follow=True)
    assert "Give the reason for the refusal." in answer.content.decode()
    assert PolicyApplication.objects.get().state == S.SUBMITTED
    assert client_as(road.users.enterprise).post(
        f"/resources/applications/{a.pk}/steps/approve/", {"amount": "1"}).status_code == 403
    assert PolicyApplication.objects.get().state == S.SUBMITTED


def test_lists_and_export(road, client_as):
    a = apps.apply(road.policy, road.users.enterprise)
    assert road.policy.title in client_as(road.users.enterprise).get("/resources/applications/").content.decode()
    assert road.policy.title not in client_as(road.users.partner).get("/resources/applications/").content.decode()
    export = client_as(road.users.handler).get("/resources/applications/?export=xlsx&state=submitted")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert a.pk


def test_the_public_notice_shows_only_publicised_applications_without_login(road, client_as):
    u = road.users
    shown = apps.apply(road.policy, u.enterprise)
    apps.approve(shown, u.handler, amount=50_000_00)
    apps.publicise(shown, u.office)
    other = published(title="房租补贴", issuer=road.dept)
    apps.approve(apps.apply(other, u.enterprise), u.handler, amount=1)
    page = client_as(None).get("/resources/applications/notice/")
    assert page.status_code == 200
    text = page.content.decode()
    assert road.policy.title in text and road.nfs.name in text
    assert "房租补贴" not in text


def test_figures_per_policy(road):
    u = road.users
    a = apps.apply(road.policy, u.enterprise)
    apps.approve(a, u.handler, amount=50_000_00)
    apps.publicise(a, u.office)
    close_window(a)
    apps.pay(a, u.handler, voucher=SimpleUploadedFile("v.pdf", b"%PDF-1.4"))
    [row] = apps.figures(PolicyApplication.objects.all())
    assert (row["policy"], row["department"], row["applications"], row["approved"], row["paid"],
            row["median_days"]) == (road.policy, road.dept, 1, 1, 50_000_00, 0)


def test_the_policy_page_offers_what_each_may_do(road, client_as):
    u = road.users
    url = f"/resources/policies/{road.policy.pk}/"
    assert 'id="apply-link"' in client_as(u.enterprise).get(url).content.decode()
    assert 'id="apply-link"' not in client_as(u.handler).get(url).content.decode()
    a = apps.apply(road.policy, u.enterprise)
    apps.approve(a, u.handler, amount=100)
    firm_page = client_as(u.enterprise).get(url).content.decode()
    assert 'id="my-application"' in firm_page and 'id="apply-link"' not in firm_page
    dept_page = client_as(u.handler).get(url).content.decode()
    assert 'id="publicise-button"' in dept_page and 'id="application-figures"' in dept_page
    assert 'id="grant-button"' not in dept_page
    client_as(u.handler).post(f"/resources/policies/{road.policy.pk}/applications/publicise/")
    assert PolicyApplication.objects.get().state == S.PUBLICISED


def test_the_grant_button_for_a_policy_granted_without_application(road, client_as):
    from chainserve.matching import services as matching

    road.policy.granted_without_application = True
    road.policy.save()
    matching.recompute_rule(matching.save_rule(road.users.office, road.policy, {
        "all": [{"field": "district", "op": "eq", "value": "420102"}]}).rule)
    url = f"/resources/policies/{road.policy.pk}/"
    assert 'id="grant-button"' in client_as(road.users.handler).get(url).content.decode()
    assert client_as(road.users.enterprise).post(f"{url}applications/grant/").status_code == 403
    assert PolicyApplication.objects.count() == 0
    client_as(road.users.handler).post(f"{url}applications/grant/")
    assert set(PolicyApplication.objects.values_list("state", "without_application")) == {(S.UNDER_REVIEW, True)}


def test_the_review_queue_counts_working_days(road, client_as):
    apps.apply(road.policy, road.users.enterprise)
    page = client_as(road.users.handler).get("/resources/applications/?state=submitted").content.decode()
    assert "working days left" in page and "countdown-ok" in page


def test_the_figures_page_is_for_staff(road, client_as):
    apps.apply(road.policy, road.users.enterprise)
    assert road.policy.title in client_as(road.users.office).get("/resources/applications/figures/").content.decode()
    assert client_as(road.users.enterprise).get("/resources/applications/figures/").status_code == 403


def test_a_wrong_role_with_a_bad_amount_is_refused_first_and_a_bad_version_is_a_message(road, client_as):
    a = apps.apply(road.policy, road.users.enterprise)
    url = f"/resources/applications/{a.pk}/steps/approve/"
    assert client_as(road.users.enterprise).post(url, {"amount": "abc"}).status_code == 403
    answer = client_as(road.users.handler).post(url, {"amount": "1", "version": "x"}, follow=True)
    assert "Reload the page and try again." in answer.content.decode()
    assert PolicyApplication.objects.get().state == S.SUBMITTED
