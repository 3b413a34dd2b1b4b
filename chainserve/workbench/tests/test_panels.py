"""The workbench's panels count exactly what their lists show, each in the viewer's scope, on a small fixture:
Monday 16 November 2026, 10:00 in Shanghai, with deadlines set on the demands."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from chainserve.coordination.choices import AgreementKind, InstructorKind
from chainserve.coordination.models import Agreement, InstructorAssignment, Pairing, Visit
from chainserve.core.clock import frozen
from chainserve.core.workdays import weekday_rule
from chainserve.demands import services
from chainserve.demands.countdown import Countdown, working_days_left
from chainserve.demands.models import Demand
from chainserve.demands.tests.factories import eod, local
from chainserve.portal.panels import enterprise
from chainserve.workbench.panels.demands import handler, office, office_counts
from chainserve.workbench.panels.partner import partner, routed_demands
from chainserve.workbench.panels.roles import chains
from chainserve.workbench.panels.specialist import served, specialist

NOW = local(2026, 11, 16, 10)  # a Monday, no holiday near


def counts(panel):
    return {c.label: c.value for c in panel.counts}


def due(demand, deadline):
    Demand.objects.filter(pk=demand.pk).update(resolve_due=deadline)  # the deadline the case needs, set directly


@pytest.fixture
def day(desk, make_demand):
    """Demands of 纽福斯 on the city chain: one new, one sent back, three handled by 经信局 (overdue since Thursday,
    due tomorrow, due Friday), one waiting for 纽福斯, one resolved and not rated, one on the joint meeting's agenda
    (its level set directly); and one handled by 市场监管局 alone, due today."""
    with frozen(NOW):
        d = {"new": make_demand("new")}
        d["sent_back"] = make_demand("dispatched", co=[])
        services.send_back(d["sent_back"], desk.handler, "不属于本部门职责。")
        for name, deadline in [("overdue", eod(2026, 11, 12)), ("tomorrow", eod(2026, 11, 17)),
                               ("friday", eod(2026, 11, 20))]:
            d[name] = make_demand("dispatched", co=[])
            due(d[name], deadline)
        d["today"] = make_demand("dispatched", lead=desk.market, co=[])
        due(d["today"], eod(2026, 11, 16))
        d["waiting"] = make_demand("waiting", co=[])
        d["resolved"] = make_demand("resolved", co=[])
        d["agenda"] = make_demand("dispatched", co=[])
        Demand.objects.filter(pk=d["agenda"].pk).update(escalation_level=3, resolve_due=eod(2026, 12, 31))
        yield d


def test_working_days_left_counts_working_days_only():
    # Friday 20 November from Monday 16: four working days; overdue since Thursday 12: Friday and Monday.
    assert working_days_left(eod(2026, 11, 20), NOW, weekday_rule) == 4
    assert working_days_left(eod(2026, 11, 16), NOW, weekday_rule) == 0
    assert working_days_left(eod(2026, 11, 12), NOW, weekday_rule) == -2
    # A deadline on Friday seen on Saturday: overdue, by no working day yet.
    assert working_days_left(eod(2026, 11, 20), local(2026, 11, 21, 9), weekday_rule) == 0


def test_countdown_says_it_in_words_with_its_tone(day):
    with frozen(NOW):
        shown = {name: (c.tone, c.plain) for name, c in
                 ((name, Countdown(Demand.objects.get(pk=day[name].pk))) for name in
                  ["overdue", "today", "tomorrow", "friday", "waiting", "resolved"])}
    assert shown == {
        "overdue": ("overdue", "2 working days overdue"), "today": ("soon", "due today"),
        "tomorrow": ("soon", "1 working day left"), "friday": ("ok", "4 working days left"),
        "waiting": ("paused", "clock paused"), "resolved": ("", ""),
    }


def test_office_desk_counts(desk, day):
    assert office_counts(desk.office, NOW) == {"queue": 2, "soon": 2, "overdue": 1, "sent_back": 1,
                                               "level1": 0, "level2": 0, "level3": 1}
    desk_panel, escalations, rates = office(desk.office, NOW)
    assert counts(desk_panel) == {"Waiting for dispatch": 2, "Due within a working day": 2, "Overdue": 1,
                                  "Sent back, to dispatch again": 1}
    # today's work, overdue first: the late one, then today's, then tomorrow's
    assert [d.pk for d in desk_panel.rows] == [day["overdue"].pk, day["today"].pk, day["tomorrow"].pk]
    assert counts(escalations) == {"Chain office": 0, "Coordination committee": 0, "Joint meeting agenda": 1,
                                  "Approvals unpaid past their deadline": 0}
    assert list(counts(rates)) == ["Response rate", "Resolution rate", "Satisfaction rate"]


def test_every_office_count_is_the_length_of_the_list_it_links_to(desk, day, client):
    client.force_login(desk.office)
    desk_panel, escalations, _rates = office(desk.office, NOW)
    with frozen(NOW):
        for count in desk_panel.counts + escalations.counts:
            response = client.get(count.url)
            assert response.status_code == 200, count.url
            assert response.context["page"].paginator.count == count.value, count.label


def test_the_office_desk_lists_the_chains_in_its_charge_only(desk):
    from chainserve.core.choices import Role
    from chainserve.registry.tests.factories import UserFactory

    panel = chains(desk.office)
    assert [(c.name, c.enterprises) for c in panel.rows] == [("明湖市大健康产业链", 2)]  # 纽福斯 and 康寧; the hospital is no enterprise
    assert panel.more == "/chains/"
    assert chains(UserFactory(role=Role.OFFICE, organization=desk.world.dept)).rows == []  # an office of no chain


def test_the_chains_enterprise_count_follows_a_placement_at_once_though_it_is_cached(desk):
    from chainserve.chains.models import Placement
    from chainserve.chains.services import place
    from chainserve.core.services import delete_record
    from chainserve.registry.tests.factories import OrganizationFactory

    assert [c.enterprises for c in chains(desk.office).rows] == [2]
    newcomer = OrganizationFactory(name="明湖新晨生物科技有限公司", kind="enterprise")
    placement = place(desk.office, Placement(segment=desk.world.s_raw, organization=newcomer))
    assert [c.enterprises for c in chains(desk.office).rows] == [3]
    delete_record(desk.office, placement)
    assert [c.enterprises for c in chains(desk.office).rows] == [2]


def test_handler_inbox_is_its_department_only(desk, day):
    running, waiting, _rates = handler(desk.handler, NOW)
    assert counts(running) == {"Being handled": 4, "Overdue": 1, "Due within a working day": 1}
    assert [d.pk for d in running.rows] == [day["overdue"].pk, day["tomorrow"].pk, day["friday"].pk,
                                            day["agenda"].pk]
    assert counts(waiting) == {"Waiting for the enterprise": 1}
    assert [d.pk for d in waiting.rows] == [day["waiting"].pk]
    # 市场监管局's demand is never in 经信局's panels, nor 经信局's in 市场监管局's
    assert day["today"].pk not in {d.pk for d in running.rows + waiting.rows}
    running2, waiting2, _rates = handler(desk.handler2, NOW)
    assert counts(running2) == {"Being handled": 1, "Overdue": 0, "Due within a working day": 1}
    assert [d.pk for d in running2.rows] == [day["today"].pk] and waiting2.rows == []


def test_handler_counts_match_its_inbox_lists(desk, day, client):
    client.force_login(desk.handler)
    running, waiting, _rates = handler(desk.handler, NOW)
    with frozen(NOW):
        for count in running.counts + waiting.counts:
            response = client.get(count.url)
            assert response.context["page"].paginator.count == count.value, count.label


def test_enterprise_panels(desk, day):
    needed, coming = enterprise(desk.enterprise, NOW)
    assert counts(needed) == {"Open demands": 8, "Your answer is needed": 1, "Results to rate": 1}
    assert {d.pk for d in needed.rows} == {day["waiting"].pk, day["resolved"].pk}
    assert counts(coming) == {"New matches": 0, "Coming activities": 0}
    # another enterprise sees none of 纽福斯's demands
    other, _coming = enterprise(desk.enterprise2, NOW)
    assert counts(other) == {"Open demands": 0, "Your answer is needed": 0, "Results to rate": 0}


def test_enterprise_home_tabs_show_what_the_counts_say(desk, day, client):
    client.force_login(desk.enterprise)
    needed, _coming = enterprise(desk.enterprise, NOW)
    for count in needed.counts:
        response = client.get(count.url)
        assert response.context["page"].paginator.count == count.value, count.label


def test_specialist_serves_its_instructed_and_paired_enterprises(desk, world):
    today = NOW.date()
    InstructorAssignment.objects.create(enterprise=desk.nfs, user=desk.specialist, kind=InstructorKind.FULL_TIME,
                                        started_on=datetime.date(2025, 1, 1))
    Pairing.objects.create(agency_branch=desk.dept, enterprise=desk.wz, enterprise_branch="康寧党支部",
                           started_on=datetime.date(2025, 3, 1))
    Pairing.objects.create(agency_branch=desk.market, enterprise=world.hospital, enterprise_branch="—",
                           started_on=datetime.date(2025, 3, 1))  # another unit's pairing
    Visit.objects.create(organization=desk.nfs, visitor=desk.office, visited_on=today - datetime.timedelta(days=10),
                         purpose="走访调研")
    Visit.objects.create(organization=desk.nfs, visitor=desk.specialist, visited_on=datetime.date(2026, 6, 1),
                         purpose="政策宣讲")
    firms = served(desk.specialist, today)
    assert [(f.pk, f.instructor, str(f.paired_with or ""), f.last_visit, f.is_due) for f in firms] == [
        (desk.nfs.pk, "Full-time", "", today - datetime.timedelta(days=10), False),
        (desk.wz.pk, "", desk.dept.name, None, True),
    ]
    mine, others, _recorded = specialist(desk.specialist, NOW)
    assert counts(mine) == {"Enterprises served": 2, "Visits due": 1, "My visits": 1}
    assert [v.visitor for v in others.rows] == [desk.office]


def test_partner_sees_its_agreements_and_no_demand_it_is_not_routed(desk, day):
    Agreement.objects.create(chain=desk.chain, kind=AgreementKind.CREDIT, title="综合授信协议", institution=desk.world.bank,
                             enterprise=desk.nfs, signed_on=datetime.date(2026, 10, 8), amount_fen=10**9)
    Agreement.objects.create(chain=desk.chain, kind=AgreementKind.CREDIT, title="另一家银行的协议", institution=desk.dept,
                             enterprise=desk.nfs, signed_on=datetime.date(2026, 10, 9))
    routed, activities, products, agreements = partner(desk.partner, NOW)
    assert routed_demands(desk.partner).count() == 0 and counts(routed) == {"Open demands": 0}
    assert counts(agreements) == {"Agreements": 1}
    assert [a.title for a in agreements.rows] == ["综合授信协议"]
    assert counts(products) == {"Qualifying enterprises": 0}


@pytest.mark.parametrize("role", ["admin", "office", "handler", "specialist", "partner"])
def test_home_is_the_workbench(desk, day, role):
    client = Client()
    client.force_login(getattr(desk, role))
    with frozen(NOW):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["panels"], role


def test_enterprise_home_is_its_portal_workbench(desk, day, client):
    client.force_login(desk.enterprise)
    assert client.get(reverse("home")).url == reverse("portal:home")
    with frozen(NOW):
        response = client.get(reverse("portal:home"))
    assert [p.name for p in response.context["panels"]] == ["needed", "coming"]
