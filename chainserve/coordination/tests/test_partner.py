"""A partner institution in coordination: it sees who registered for the activities it organises, and records
the agreements it signs, which count in figures only once the chain office confirms them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chainserve.coordination import metrics, services
from chainserve.coordination.models import Activity, Agreement
from chainserve.reports.figures import FIGURES, Period, Scope

SIGNED = {"kind": "credit", "title": "科技贷款授信协议", "amount": "2000", "signed_on": "2026-06-01"}


@pytest.fixture
def signed_up(coord):
    """纽福斯 signed up for the bank's matchmaking with two attendees, 溫州康寧 with one."""
    w = coord.world
    services.sign_up(coord.activity, coord.users.enterprise, w.nfs, [("王思远", "总经理", ""), ("李敏", "", "")])
    services.sign_up(coord.activity, coord.users.office, w.wz, [("陈杰", "", "")])
    return coord


def test_the_organising_partner_sees_who_registered_and_how_many(signed_up, client_as):
    # Regression: the count was taken over the registrations the viewer may see, none for a partner (0 / 20).
    page = client_as(signed_up.users.partner).get(f"/coordination/activities/{signed_up.activity.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert page.context["attendee_count"] == 3
    assert [r.organization.name for r in page.context["registrations"]] == ["武汉纽福斯生物科技有限公司",
                                                                          "溫州康寧醫藥有限公司"]
    assert 'id="places">3 / 20<' in text and 'id="registrations"' in text


def test_a_partner_not_organising_sees_no_registrations(signed_up, client_as):
    Activity.objects.filter(pk=signed_up.activity.pk).update(organizer=signed_up.world.dept)
    page = client_as(signed_up.users.partner).get(f"/coordination/activities/{signed_up.activity.pk}/")
    text = page.content.decode()
    assert list(page.context["registrations"]) == [] and page.context["attendee_count"] is None
    assert 'id="places">20<' in text and 'id="registrations"' not in text and "溫州康寧" not in text


def test_a_partner_sees_its_own_activity_closed_to_enterprises(coord, client_as):
    Activity.objects.filter(pk=coord.activity.pk).update(open_to_enterprises=False)
    assert client_as(coord.users.partner).get(f"/coordination/activities/{coord.activity.pk}/").status_code == 200
    assert client_as(coord.users.enterprise).get(f"/coordination/activities/{coord.activity.pk}/").status_code == 404


def test_a_partner_registration_list_reaches_only_its_own_activities(signed_up, api_as):
    other = Activity.objects.create(chain=signed_up.chain, kind="training", title="培训", organizer=signed_up.world.dept,
                                    starts_at=signed_up.activity.starts_at)
    services.sign_up(other, signed_up.users.office, signed_up.world.nfs, [("甲", "", "")])
    rows = api_as(signed_up.users.partner).get("/api/v1/registrations/").json()["results"]
    assert sorted(r["activity"] for r in rows) == [signed_up.activity.pk, signed_up.activity.pk]


def _credit_fen(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)):
    return FIGURES["agreements_credit_fen"].compute(Period(start, end), Scope())


def test_a_partner_records_its_agreement_which_counts_once_the_office_confirms_it(coord, client_as):
    w, u = coord.world, coord.users
    before = _credit_fen()
    response = client_as(u.partner).post("/coordination/agreements/add/", {
        **SIGNED, "chain": coord.chain.pk, "enterprise": w.nfs.name, "activity": coord.activity.pk})
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert (agreement.institution, agreement.status, agreement.amount_fen) == (w.bank, "pending", 2000_0000_00)
    assert u.office.notifications.filter(key=f"agreement-pending:{agreement.pk}").count() == 1
    assert _credit_fen() == before
    assert metrics.agreement_totals() == []
    page = client_as(u.office).get(f"/coordination/agreements/{agreement.pk}/").content.decode()
    assert 'id="confirm-agreement"' in page

    assert client_as(u.office).post(f"/coordination/agreements/{agreement.pk}/confirm/").status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.confirmed_by) == ("confirmed", u.office)
    assert _credit_fen() == before + 2000_0000_00
    assert [(r["institution"], r["count"]) for r in metrics.agreement_totals()] == [("明湖农商银行", 1)]
    assert u.partner.notifications.filter(key=f"agreement-confirmed:{agreement.pk}").count() == 1


def test_a_partner_may_not_confirm_nor_change_a_confirmed_agreement(coord, client_as):
    w, u = coord.world, coord.users
    agreement = services.record_agreement(u.partner, Agreement(chain=coord.chain, kind="credit", title="授信",
                                                                enterprise=w.nfs, signed_on=datetime.date(2026, 6, 1)))
    partner = client_as(u.partner)
    assert partner.post(f"/coordination/agreements/{agreement.pk}/confirm/").status_code == 403
    assert Agreement.objects.get().status == "pending"
    services.confirm_agreement(agreement, u.office)
    response = partner.post(f"/coordination/agreements/{agreement.pk}/edit/", {
        **SIGNED, "chain": coord.chain.pk, "enterprise": w.nfs.pk})
    assert response.status_code == 403
    assert (Agreement.objects.get().title, Agreement.objects.get().status) == ("授信", "confirmed")


def test_a_partner_records_only_agreements_it_signs(coord, api_as):
    w, u = coord.world, coord.users
    hospital = {"chain": coord.chain.pk, "kind": "credit", "title": "授信", "institution": w.hospital.pk,
                "enterprise": w.wz.pk, "signed_on": "2026-06-01"}
    response = api_as(u.partner).post("/api/v1/agreements/", hospital, format="json")
    assert response.status_code == 400 and list(response.json()) == ["institution"]
    with pytest.raises(ValidationError) as refused:
        services.record_agreement(u.partner, Agreement(chain=coord.chain, kind="credit", title="授信",
                                                       institution=w.hospital, enterprise=w.wz,
                                                       signed_on=datetime.date(2026, 6, 1)))
    assert refused.value.message_dict == {"institution": ["A partner records only the agreements it signs itself."]}
    assert Agreement.objects.count() == 0
    created = api_as(u.partner).post("/api/v1/agreements/", {**hospital, "institution": w.bank.pk}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    confirmed = api_as(u.office).post(f"/api/v1/agreements/{created.json()['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    again = api_as(u.office).post(f"/api/v1/agreements/{created.json()['id']}/confirm/")
    assert again.status_code == 400 and again.json() == {"non_field_errors": ["This agreement is already confirmed."]}


def test_an_agreement_the_office_records_is_confirmed_at_once(coord, client_as):
    client_as(coord.users.office).post("/coordination/agreements/add/", {
        **SIGNED, "chain": coord.chain.pk, "institution": coord.world.bank.pk, "enterprise": coord.world.nfs.pk})
    assert Agreement.objects.get().status == "confirmed"



def test_the_partner_page_lists_the_activities_it_hosts_and_its_agreements(signed_up, client_as):
    u = signed_up.users
    services.record_agreement(u.partner, Agreement(chain=signed_up.chain, kind="credit", title="流动资金贷款授信协议",
                                                   enterprise=signed_up.world.nfs, signed_on=datetime.date(2026, 6, 1)))
    page = client_as(u.partner).get("/coordination/mine/")
    text = page.content.decode()
    assert page.status_code == 200
    assert [(a.title, a.signed_up, a.attendees) for a in page.context["hosted"]] == [("银企对接会", 2, 3)]
    assert "2 enterprises signed up · 3 / 20" in text and "agreement-pending" in text and 'id="record-agreement"' in text
    activity = client_as(u.partner).get(f"/coordination/activities/{signed_up.activity.pk}/").content.decode()
    assert f'href="/coordination/agreements/add/?activity={signed_up.activity.pk}"' in activity
