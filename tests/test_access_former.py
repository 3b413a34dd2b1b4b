"""The access matrix's cases that need their own small world rather than the demo (tests/walks/test_access_matrix.py):
a former assignee and a withdrawn item."""

from chainserve.core.backup import table_fingerprints


def test_former_assignees_and_withdrawn_items_are_kept_from_those_they_no_longer_concern(world, client_as, api_as):
    """Issue 13 items 2 and 3: a department whose assignment ended (sent back, re-dispatched) reaches nothing of
    the demand any more, and an enterprise reaches no withdrawn item through its saved match; nothing changes."""
    from django.utils import timezone

    from chainserve.demands import services as ds
    from chainserve.demands.choices import Channel
    from chainserve.demands.models import Category
    from chainserve.matching import services as ms
    from chainserve.matching.models import Match
    from chainserve.registry.choices import OrgKind
    from chainserve.registry.tests.factories import OrganizationFactory
    from chainserve.resources.choices import ItemStatus
    from chainserve.resources.models import Policy

    u = world.users
    market = OrganizationFactory(name="明湖市市场监督管理局", kind=OrgKind.DEPARTMENT)
    demand = ds.submit(u.office, ds.Intake(world.nfs, Category.objects.get(slug="policy"), "申请用地", "需要厂房。",
                                           channel=Channel.VISIT))
    ds.dispatch(demand, u.office, world.dept, [])
    ds.send_back(demand, u.handler, "不属于本部门。")
    ds.dispatch(demand, u.office, market, [])
    policy = Policy.objects.create(title="研发补贴", issuer=world.dept, status=ItemStatus.PUBLISHED,
                                   published_at=timezone.now(), benefit="补贴10%。")
    ms.save_rule(u.office, policy, {"all": [{"field": "district", "op": "eq", "value": "420102"}]})
    ms.recompute_all(timezone.localdate())
    match = Match.objects.get(rule__policy=policy, enterprise=world.nfs)
    Policy.objects.filter(pk=policy.pk).update(status=ItemStatus.WITHDRAWN)
    former, former_api, enterprise = client_as(u.handler), api_as(u.handler), client_as(u.enterprise)
    fingerprints = table_fingerprints()  # after the logins, which write the users' last login

    responses = [
        former.get(f"/demands/{demand.pk}/"),
        former.post(f"/demands/{demand.pk}/comment/", {"comment-note": "x", "version": 99}),
        former_api.get(f"/api/v1/demands/{demand.pk}/"),
        former_api.post(f"/api/v1/demands/{demand.pk}/steps/comment/", {"note": "x"}, format="json"),
        enterprise.get(f"/matching/matches/{match.pk}/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404, 404]
    assert "研发补贴" not in responses[-1].content.decode()
    changed = {t for t, v in table_fingerprints().items() if fingerprints.get(t) != v and t != "django_session"}
    assert changed == set()
