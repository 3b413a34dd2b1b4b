"""An attendee's phone, given at sign-up on the page or in the API, is checked as every phone of the platform
(registry.validators.clean_phone): 12345 is refused at the field and nothing is registered."""

from chainserve.coordination.models import Attendee, Registration
from chainserve.registry.tests.test_validators import NOT_VALID


def test_the_sign_up_page_refuses_a_short_number_at_its_field(coord, client_as):
    response = client_as(coord.users.enterprise).post(f"/coordination/activities/{coord.activity.pk}/sign-up/", {
        "signup-name_1": "王思远", "signup-phone_1": "12345"})

    assert response.status_code == 400
    assert response.context["signup_form"].errors == {"phone_1": [NOT_VALID]}
    assert (Registration.objects.count(), Attendee.objects.count()) == (0, 0)


def test_the_sign_up_page_keeps_a_good_number_in_e164(coord, client_as):
    client_as(coord.users.enterprise).post(f"/coordination/activities/{coord.activity.pk}/sign-up/", {
        "signup-name_1": "王思远", "signup-phone_1": "138 1234 5678", "signup-name_2": "李敏",
        "signup-phone_2": "027-8765 4321"})

    assert sorted(Attendee.objects.values_list("name", "phone")) == [("李敏", "+862787654321"),
                                                                     ("王思远", "+8613812345678")]


def test_the_api_refuses_a_short_number_at_its_field(coord, api_as):
    response = api_as(coord.users.enterprise).post("/api/v1/registrations/", {
        "activity": coord.activity.pk, "attendees": [{"name": "王思远", "phone": "12345"}]}, format="json")

    assert (response.status_code, response.json()) == (400, {"attendees": {"0": {"phone": [NOT_VALID]}}})  # DRF names the row
    assert Registration.objects.count() == 0
