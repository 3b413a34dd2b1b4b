"""The demo: the demo enterprise sees matches and at least one near miss."""

from chainserve.matching import profiles, rules, services
from chainserve.matching.models import Match
from chainserve.registry.models import Organization


def test_the_demo_enterprise_has_matches_and_near_misses(db):
    firm = Organization.objects.get(name="明湖澜泽基因技术有限公司")
    titles = set(Match.objects.filter(enterprise=firm).values_list("rule__policy__title", flat=True))
    assert {"明湖市促进生物医药产业高质量发展若干政策", "生物城新区GMP厂房租金补贴实施细则"} <= titles
    profile = profiles.profile_of(firm)
    near = [v.rule.policy or v.rule.product for v in services.versions_in_force().values()
            if rules.near_miss(v.expression, profile)]
    assert "明湖市科技型中小企业科技贷款贴息办法" in {i.title for i in near}
    assert services.recompute_all() == services.Recomputed()
