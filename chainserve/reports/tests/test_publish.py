"""Publishing: frozen figures, versions with their differences, and who may publish."""

import pytest
from django.core.exceptions import PermissionDenied

from chainserve.coordination.models import Meeting
from chainserve.coordination.services import record_minutes
from chainserve.reports import services
from chainserve.reports.figures import Period, Scope, compute_all
from chainserve.reports.models import Bulletin

YEAR = Period.year(2026)


def frozen(bulletin, key):
    return next(f["value"] for f in bulletin.data["figures"] if f["key"] == key)


def test_published_figures_never_change_when_records_do(year):
    v1 = services.publish(year.users.office, YEAR, Scope(user=year.users.office, chain=year.chain), "2026年简报")
    assert (v1.version, v1.supersedes, frozen(v1, "meetings_held"), v1.computed_at) == (1, None, 3, year.clock.now)
    # frozen in the platform's language, though the publisher's request was in English
    assert v1.summary == "召开联席会议3场次，举办活动4场次，协调解决诉求2个，签署授信协议金额68.2亿元。"
    # the meeting scheduled for 15 December is held after all
    record_minutes(year.meetings[3], year.users.office, "会议纪要。")
    assert compute_all(YEAR, Scope(user=year.users.office, chain=year.chain)).value("meetings_held") == 4
    again = Bulletin.objects.get(pk=v1.pk)
    assert (frozen(again, "meetings_held"), again.data, again.summary) == (3, v1.data, v1.summary)

    year.clock.advance(hours=1)
    v2 = services.publish(year.users.office, YEAR, Scope(user=year.users.office, chain=year.chain))
    assert (v2.version, v2.supersedes_id, frozen(v2, "meetings_held"), v2.computed_at) == \
        (2, v1.pk, 4, year.clock.now)
    assert [(d.key, d.before, d.after) for d in services.differences(v2)] == [("meetings_held", "3", "4")]
    assert services.differences(v1) == []
    assert frozen(Bulletin.objects.get(pk=v1.pk), "meetings_held") == 3


def test_another_scope_is_another_series(year):
    a = services.publish(year.users.admin, YEAR, Scope(user=year.users.admin))
    assert a.title == "产业链工作简报：全市，2026年"
    b = services.publish(year.users.admin, YEAR, Scope(user=year.users.admin, chain=year.chain))
    c = services.publish(year.users.admin, Period.quarter(2026, 1), Scope(user=year.users.admin))
    assert [x.version for x in (a, b, c)] == [1, 1, 1]
    assert len({a.series, b.series, c.series}) == 3


@pytest.mark.parametrize("role", ["handler", "specialist", "enterprise", "partner"])
def test_only_the_office_and_admins_publish(year, role):
    user = getattr(year.users, role)
    with pytest.raises(PermissionDenied):
        services.publish(user, YEAR, Scope(user=user))
    assert Bulletin.objects.count() == 0


def test_an_office_publishes_only_for_its_chains(year):
    with pytest.raises(PermissionDenied):
        services.publish(year.users.office, YEAR, Scope(user=year.users.office, chain=year.dchain))
    assert Bulletin.objects.count() == 0
    assert Meeting.objects.count() == 5
