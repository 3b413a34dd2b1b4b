"""Create and edit pages of the registry: the message next to the field, and nothing saved on bad input."""

import datetime

import pytest

from chainserve.registry.choices import RelationKind
from chainserve.registry.models import Organization, Person, Product, Relationship
from chainserve.registry.tests.factories import make_uscc, wrong_check_char
from chainserve.registry.tests.test_validators import NOT_VALID

ADD_ORG = "/registry/organizations/add/"


def enterprise_form(**overrides):
    data = {
        "name": "明湖新创生物有限公司",
        "kind": "enterprise",
        "uscc": make_uscc(50),
        "listing_status": "none",
    }
    data.update(overrides)
    return data


def test_create_enterprise_with_a_wrong_check_character_shows_the_error_at_the_field(world, client_as):
    # given
    count = Organization.objects.count()

    # when
    response = client_as(world.users.office).post(
        ADD_ORG, enterprise_form(uscc=wrong_check_char(make_uscc(50)))
    )

    # then
    assert response.status_code == 200
    message = "The check character of this unified social credit code is wrong: it should be 4."
    assert make_uscc(50)[-1] == "4"
    assert response.context["form"].errors == {"uscc": [message]}
    assert (
        f'<div class="invalid-feedback d-block" id="id_uscc-error">{message}</div>'
        in response.content.decode()
    )
    assert Organization.objects.count() == count


def test_create_enterprise_without_uscc_is_refused(world, client_as):
    count = Organization.objects.count()

    response = client_as(world.users.office).post(ADD_ORG, enterprise_form(uscc=""))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "uscc": ["An enterprise needs its unified social credit code."]
    }
    assert Organization.objects.count() == count


@pytest.mark.parametrize("spelling", ["91420100MA00000012", "91420100ma00000012"])
def test_create_enterprise_with_a_known_uscc_is_refused(world, client_as, spelling):
    # given 纽福斯 holds 91420100MA00000012
    count = Organization.objects.count()

    # when the same code is entered again, however it is spelled
    response = client_as(world.users.office).post(ADD_ORG, enterprise_form(uscc=spelling))

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "uscc": ["Organisation with this Unified social credit code already exists."]
    }
    assert Organization.objects.count() == count


def test_create_enterprise_with_a_valid_uscc_saves_it_compact(world, client_as):
    response = client_as(world.users.office).post(
        ADD_ORG,
        enterprise_form(
            uscc=make_uscc(50).lower(),
            district=world.dong.pk,
            park=world.park.pk,
            labels=[world.hitech.pk],
            employees="12",
        ),
    )

    org = Organization.objects.get(name="明湖新创生物有限公司")
    assert response.status_code == 302
    assert response["Location"] == f"/registry/organizations/{org.pk}/"
    assert (org.uscc, org.district, org.park, org.employees) == (make_uscc(50), world.dong, world.park, 12)
    assert list(org.labels.all()) == [world.hitech]
    assert (
        org.search_text
        == f"明湖新创生物有限公司 minghuxinchuangshengwuyouxiangongsi mhxcswyxgs {make_uscc(50).lower()}"
    )


def test_create_a_hospital_needs_no_uscc(world, client_as):
    response = client_as(world.users.office).post(
        ADD_ORG, {"name": "明湖市中医医院", "kind": "hospital", "listing_status": "none"}
    )

    assert response.status_code == 302
    assert Organization.objects.get(name="明湖市中医医院").uscc is None


def test_negative_employees_are_refused(world, client_as):
    count = Organization.objects.count()

    response = client_as(world.users.office).post(ADD_ORG, enterprise_form(employees="-3"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "employees": ["Ensure this value is greater than or equal to 0."]
    }
    assert Organization.objects.count() == count


def test_the_park_must_be_a_park(world, client_as):
    count = Organization.objects.count()

    response = client_as(world.users.office).post(ADD_ORG, enterprise_form(park=world.bank.pk))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["park"]
    assert Organization.objects.count() == count


def test_person_phone_is_validated_and_stored_in_e164(world, client_as):
    client = client_as(world.users.office)
    count = Person.objects.count()

    bad = client.post(
        "/registry/people/add/",
        {
            "name": "李雷",
            "organization": world.wz.pk,  # the picker's hidden input: the chosen record's id
            "phone": "12345",
            "email": "not-an-address",
        },
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors == {
        "phone": [NOT_VALID],
        "email": ["Enter a valid email address."],
    }
    assert Person.objects.count() == count

    good = client.post(
        "/registry/people/add/",
        {"name": "李雷", "organization": world.wz.uscc, "phone": "138 1234 0000", "email": "ll@example.cn"},
    )
    assert good.status_code == 302
    person = Person.objects.get(name="李雷")
    assert (person.organization, person.phone) == (world.wz, "+8613812340000")


def test_person_organization_must_name_a_single_organisation(world, client_as):
    count = Person.objects.count()

    response = client_as(world.users.office).post(
        "/registry/people/add/", {"name": "李雷", "organization": "明湖"}
    )

    assert response.context["form"].errors == {
        "organization": ["No single organisation is called 明湖: pick one from the suggestions."]
    }
    assert Person.objects.count() == count


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"started_on": "2024-05-01", "ended_on": "2024-04-30"},
            "The end date cannot be before the start date.",
        ),
        ({"started_on": "2024-01-01"}, "This relationship is already recorded."),
    ],
)
def test_relationship_constraints_read_as_sentences(world, client_as, dates, message):
    count = Relationship.objects.count()
    data = {"source": world.wz.pk, "kind": RelationKind.SUPPLIES, "target": world.nfs.pk, **dates}

    response = client_as(world.users.office).post("/registry/relationships/add/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": [message]}
    assert Relationship.objects.count() == count


def test_a_relationship_with_itself_is_refused(world, client_as):
    count = Relationship.objects.count()
    data = {"source": world.wz.pk, "kind": RelationKind.COOPERATES, "target": world.wz.pk}

    response = client_as(world.users.office).post("/registry/relationships/add/", data)

    assert response.context["form"].errors == {
        "__all__": ["An organisation cannot have a relationship with itself."]
    }
    assert Relationship.objects.count() == count


def test_a_relationship_is_shown_from_both_sides(world, client_as):
    client = client_as(world.users.office)

    supplier = client.get(f"/registry/organizations/{world.wz.pk}/").content.decode()
    customer = client.get(f"/registry/organizations/{world.nfs.pk}/").content.decode()

    assert f'supplies <a href="/registry/organizations/{world.nfs.pk}/">{world.nfs.name}</a>' in supplier
    assert f'supplied by <a href="/registry/organizations/{world.wz.pk}/">{world.wz.name}</a>' in customer


def product_form(**overrides):
    data = {"name": "X-101", "kind": "drug", "drug_class": "chem1", "phase": "phase1"}
    data.update(overrides)
    return data


def test_a_product_s_approval_is_saved_with_its_type(world, client_as):
    response = client_as(world.users.office).post(f"/registry/organizations/{world.wz.pk}/products/add/",
                                                  product_form(approval_type="clinical_trial", approved_on="2026-03-02"))

    assert response.status_code == 302
    assert list(Product.objects.filter(organization=world.wz).values_list("name", "approval_type", "approved_on")) \
        == [("X-101", "clinical_trial", datetime.date(2026, 3, 2))]


@pytest.mark.parametrize(("fields", "errors"), [
    ({"phase": "preclinical", "approval_type": "clinical_trial"}, {"approval_type": [
        "A clinical-trial approval is for a product in clinical trials (phase I to NDA filed)."]}),
    ({"phase": "phase3", "approval_type": "marketing"}, {"approval_type": [
        "Only an approved product has a marketing approval."]}),
    ({"phase": "phase3", "approved_on": "2026-03-02"}, {"approved_on": [
        "Only an approved product has an approval date, unless its approval type is a clinical-trial approval."]}),
])
def test_a_product_s_approval_that_does_not_fit_its_phase_is_refused_at_the_field(world, client_as, fields, errors):
    response = client_as(world.users.office).post(f"/registry/organizations/{world.wz.pk}/products/add/",
                                                  product_form(**fields))

    assert response.status_code == 200  # the form again, with the message at the field
    assert response.context["form"].errors == errors
    assert not Product.objects.filter(organization=world.wz).exists()


def test_an_approved_product_s_date_without_a_type_is_its_marketing_approval(world):
    product = Product(organization=world.wz, name="仿制药B", drug_class="chem3", phase="approved",
                      approved_on="2019-05-01")
    product.full_clean()
    assert product.approval_type == "marketing"
