"""Demo records of this app, built on the demo cluster of chainserve.demo and the resources demo: eligibility
rules on the demo policies and products (three policies with benefits), and the matches they give (明湖澜泽基因 sees matches,
near misses, and what one policy may give it, its R&D cost declared)."""

from chainserve.core.choices import Role
from chainserve.core.models import User
from chainserve.core.money import FEN_PER_WAN
from chainserve.resources.models import FinancialProduct, Policy

from . import services
from .models import Match

BIO_SEGMENTS = ["生物药品制品", "化学药品制剂", "中药饮片与中成药"]
POLICY_RULES = {
    "明湖市促进生物医药产业高质量发展若干政策": {"all": [
        {"field": "segment", "op": "has_any", "value": BIO_SEGMENTS},
        {"field": "phase", "op": "at_least", "value": "phase3"}]},
    "明湖市科技型中小企业科技贷款贴息办法": {"all": [
        {"field": "employees", "op": "lt", "value": 500},
        {"not": {"field": "listing_status", "op": "eq", "value": "listed"}},
        {"field": "founded_on", "op": "age_years_lt", "value": 10}]},
    "明湖市首台（套）医疗器械推广应用支持政策": {"all": [
        {"field": "segment", "op": "has", "value": "医疗器械"},
        {"field": "employees", "op": "ge", "value": 20}]},
    "生物城新区GMP厂房租金补贴实施细则": {"all": [
        {"field": "district", "op": "eq", "value": "420906"},
        {"field": "segment", "op": "has_any", "value": BIO_SEGMENTS + ["医疗器械"]}]},
    "明湖市专精特新中小企业培育奖励": {"all": [
        {"field": "labels", "op": "has_any", "value": ["srdi", "little-giant"]},
        {"field": "size", "op": "in", "value": ["small", "medium"]}]},
}
# Benefits of three demo policies, as their texts say (chainserve.resources.demo); benefits never change matches.
POLICY_BENEFITS = {
    "明湖市促进生物医药产业高质量发展若干政策": (
        [{"label": "创新药研发投入奖励", "base": "rd_cost", "rate": "20%", "cap": "1000"}], 3000 * FEN_PER_WAN),
    "明湖市科技型中小企业科技贷款贴息办法": (
        [{"label": "科技贷款贴息", "base": "loan_interest", "rate": "50%"}], 100 * FEN_PER_WAN),
    "明湖市专精特新中小企业培育奖励": (
        [{"label": "专精特新培育奖励", "tiers": [
            {"when": {"field": "labels", "op": "has", "value": "little-giant"}, "amount": "50"},
            {"when": {"field": "labels", "op": "has", "value": "srdi"}, "amount": "20"}]}], None),
}
PRODUCT_RULES = {
    "科创贷": {"all": [{"field": "labels", "op": "has", "value": "hitech"},
                     {"field": "founded_on", "op": "age_years_ge", "value": 2}]},
    "生物医药研发担保": {"all": [{"field": "phase", "op": "has_any", "value": ["phase1", "phase2", "phase3"]},
                          {"field": "employees", "op": "lt", "value": 1000}]},
    "生物医药产业基金直投": {"all": [{"field": "listing_status", "op": "in", "value": ["none", "reserve"]},
                            {"field": "segment", "op": "has_any", "value": ["生物药品制品", "医疗器械"]},
                            {"field": "phase", "op": "at_least", "value": "phase2"}]},
}


def load():
    """Add this app's demo records; called once, inside the demo's transaction, after the resources demo."""
    admin = User.objects.filter(role=Role.ADMIN).first()
    for model, rules in ((Policy, POLICY_RULES), (FinancialProduct, PRODUCT_RULES)):
        for title, expression in rules.items():
            item = model.objects.filter(title=title).first()
            if item is not None:
                benefits, cap = POLICY_BENEFITS.get(title, ((), None))
                services.save_rule(admin, item, expression, note="演示规则", benefits=benefits, benefit_cap=cap)
    # Now, not in the background: the demo shows its matches (and their inbox messages) at once.
    services.recompute_all()
    declare_demo_base()


# 明湖澜泽基因 has declared its R&D cost for the 生物医药 policy: its 为您匹配 shows what it may get (480万元).
DECLARED = ("明湖澜泽基因技术有限公司", "明湖市促进生物医药产业高质量发展若干政策", {"rd_cost": 2400 * FEN_PER_WAN})


def declare_demo_base():
    firm, title, amounts = DECLARED
    user = User.objects.filter(role=Role.ENTERPRISE, organization__name=firm, is_active=True).order_by("pk").first()
    match = Match.objects.filter(enterprise__name=firm, rule__policy__title=title, qualifies=True).first()
    if user is not None and match is not None:
        services.declare_inputs(match, user, amounts)
