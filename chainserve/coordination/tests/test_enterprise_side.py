"""The enterprise's side of an activity: it cancels its own registration, and its page shows none of the staff's
figures."""

import datetime

import pytest

from chainserve.coordination import services
from chainserve.coordination.models import Activity, Attendee, Registration
from chainserve.registry.tests.factories import UserFactory


@pytest.fixture
def regs(coord):
    """纽福斯 (the enterprise user's) signed up with two attendees, 溫州康寧 (its own user wz) with one."""
    w = coord.world
    wz_user = UserFactory(username="wz", role="enterprise", organization=w.wz)
    own = services.sign_up(coord.activity, coord.users.enterprise, w.nfs, [("王思远", "", ""), ("李敏", "", "")])
    other = services.sign_up(coord.activity, wz_user, w.wz, [("陈杰", "", "")])
    return own, other


def test_an_enterprise_cancels_its_registration_and_may_sign_up_again(coord, regs, client_as):
    own, other = regs
    client = client_as(coord.users.enterprise)
    page = client.get(f"/coordination/registrations/{own.pk}/").content.decode()
    assert 'id="cancel-registration"' in page
    response = client.post(f"/coordination/registrations/{own.pk}/cancel/")
    assert response.status_code == 302 and response["Location"] == f"/coordination/activities/{coord.activity.pk}/"
    assert list(Registration.objects.values_list("pk", flat=True)) == [other.pk]
    assert Attendee.objects.count() == 1
    gone = Registration.history.filter(id=own.pk, history_type="-").get()
    assert gone.history_user == coord.users.enterprise
    services.sign_up(coord.activity, coord.users.enterprise, coord.world.nfs, [("王思远", "", "")])
    assert Registration.objects.count() == 2


def test_an_enterprise_cannot_cancel_another_registration(coord, regs, client_as, api_as):
    own, other = regs
    assert client_as(coord.users.enterprise).post(f"/coordination/registrations/{other.pk}/cancel/").status_code == 404
    assert api_as(coord.users.enterprise).post(f"/api/v1/registrations/{other.pk}/cancel/").status_code == 404
    assert api_as(coord.users.partner).post(f"/api/v1/registrations/{other.pk}/cancel/").status_code == 403
    assert Registration.objects.count() == 2 and Attendee.objects.count() == 3


def test_a_registration_stays_once_the_activity_started(coord, regs, api_as):
    own, _ = regs
    Activity.objects.filter(pk=coord.activity.pk).update(starts_at=coord.activity.starts_at - datetime.timedelta(days=11))
    response = api_as(coord.users.enterprise).post(f"/api/v1/registrations/{own.pk}/cancel/")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The activity has started or is over; the registration stays."]}
    assert Registration.objects.count() == 2


def test_the_api_cancels_an_own_registration(coord, regs, api_as):
    own, other = regs
    assert api_as(coord.users.enterprise).post(f"/api/v1/registrations/{own.pk}/cancel/").status_code == 204
    assert list(Registration.objects.values_list("pk", flat=True)) == [other.pk]


def test_an_enterprise_sees_no_staff_figures_on_an_activity(coord, regs, client_as):
    Activity.objects.filter(pk=coord.activity.pk).update(leads_found=4, demands_raised=2, outcome="对接顺利。")
    url = f"/coordination/activities/{coord.activity.pk}/"
    page = client_as(coord.users.enterprise).get(url).content.decode()
    assert 'id="places">20<' in page and 'id="registrations"' not in page and "溫州康寧" not in page
    assert "对接顺利。" in page and "Leads found" not in page and "Demands raised" not in page
    staff = client_as(coord.users.office).get(url).content.decode()
    assert 'id="places">3 / 20<' in staff and "溫州康寧" in staff and "Leads found: 4" in staff
