"""The demo's demands (诉求): about 360 received in the demo year and 60 % of that the year before, in working
hours, in realistic shares of category and channel and a seasonal shape (fewer around 春节 and National Day),
each taken through the demand services step by step at its own times (plans.py says how each one goes)."""

from chainserve.coordination.models import Visit
from chainserve.demands import services as ds
from chainserve.demands.choices import Channel
from chainserve.demands.models import Category, DispatchRule

from . import names as n
from . import texts

# The dispatch catalogue: category → (lead department, co-handlers); site demands of 生物城新区 go to its
# administration.
RULES = {"financing": (n.FINANCE, [n.ECONOMY]), "site": (n.LAND, [n.INVESTMENT]), "regulatory": (n.DRUGS, []),
         "talent": (n.HR, []), "clinical": (n.HEALTH, [n.DRUGS]), "policy": (n.ECONOMY, []),
         "public-service": (n.NDRC, []), "market": (n.COMMERCE, [n.HEALTH])}
DISTRICT_RULES = {"site": (n.NEW_DISTRICT_ADMIN, [n.LAND])}


def set_up_rules(cluster):
    """The chain office's dispatch rules; returns {slug: Category}."""
    categories = {c.slug: c for c in Category.objects.all()}
    for slug, (lead, co) in RULES.items():
        rule = DispatchRule.objects.create(category=categories[slug], lead_department=cluster.units[lead])
        rule.co_departments.set([cluster.units[c] for c in co])
    district = cluster.district_chain.region
    for slug, (lead, co) in DISTRICT_RULES.items():
        rule = DispatchRule.objects.create(category=categories[slug], district=district,
                                           lead_department=cluster.units[lead])
        rule.co_departments.set([cluster.units[c] for c in co])
    return categories


def story(plan, cluster):
    """A demand's life: each step of its plan at its instant, through the services."""
    demand = None
    for when, step, args in plan.steps:
        yield when
        demand = STEPS[step](plan, demand, cluster, **args)


def _submit(plan, demand, cluster):
    intake = ds.Intake(organization=plan.firm, category=plan.category, title=plan.title, description=plan.text,
                       channel=plan.channel, priority=plan.priority, chain=cluster.chain)
    demand = ds.submit(plan.author, intake)
    if plan.channel == Channel.VISIT:
        visit = Visit(organization=plan.firm, visitor=plan.author, visited_on=plan.at.date(),
                      purpose=plan.visit_purpose, notes=f"企业反映：{plan.title}，已录入平台办理。")
        visit._history_user = plan.author
        visit.save()
        visit.demands.add(demand)
    return demand


def _dispatch(plan, demand, cluster, lead):
    co = [] if lead.pk != plan.lead.pk else plan.co
    return ds.dispatch(demand, cluster.users["office"], lead, co)


def _send_back(plan, demand, cluster, by):
    return ds.send_back(demand, cluster.handlers[by.pk], texts.SEND_BACK.format(right=plan.lead.name))


def _answer(plan, demand, cluster, by, text):
    return ds.answer(demand, cluster.handlers[by.pk], text)


def _ask(plan, demand, cluster):
    return ds.ask(demand, cluster.handlers[plan.lead.pk], texts.QUESTIONS[plan.category.slug][0])


def _reply(plan, demand, cluster):
    return ds.reply(demand, cluster.accounts[plan.firm.pk], texts.QUESTIONS[plan.category.slug][1])


def _extend(plan, demand, cluster, days):
    return ds.request_extension(demand, cluster.handlers[plan.lead.pk], days, texts.EXTENSION)


def _decide_extension(plan, demand, cluster):
    return ds.decide_extension(demand, cluster.users["office"], True, texts.EXTENSION_APPROVED)


def _escalate(plan, demand, cluster, system=False):
    if system:
        return ds.escalate(demand, None, texts.OVERDUE, level=demand.escalation_level, system=True)
    return ds.escalate(demand, cluster.users["office"], texts.ESCALATE)


def _close(plan, demand, cluster, resolved, text):
    return ds.close(demand, cluster.handlers[plan.lead.pk], resolved, text)


def _rate(plan, demand, cluster, rating, comment):
    return ds.rate(demand, cluster.accounts[plan.firm.pk], rating, comment)


def _reopen(plan, demand, cluster, reason):
    return ds.reopen(demand, cluster.accounts[plan.firm.pk], reason)


def _reject(plan, demand, cluster, reason):
    return ds.reject(demand, cluster.users["office"], reason)


STEPS = {"submit": _submit, "dispatch": _dispatch, "send_back": _send_back, "answer": _answer, "ask": _ask,
         "reply": _reply, "extend": _extend, "decide_extension": _decide_extension, "escalate": _escalate,
         "close": _close, "rate": _rate, "reopen": _reopen, "reject": _reject}
