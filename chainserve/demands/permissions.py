"""Who may do what with demands (诉求), in one table: the services' checks and the pages' steps both read it.

A step names the statuses it starts from, what the user must be to the demand (any of its relations), and a
further state of the demand it may need. Which demands a user may act on at all is the user's scope to act
(`Demand.objects.restrict(user, "change")`), checked by `services.perform` before this table and by `check` and
`available_actions` themselves (acts_on): a chain office sees more demands than it acts on (the regions below).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from chainserve.core.choices import Role
from chainserve.core.models import Region, oversees
from chainserve.core.reference import per_process
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from .choices import CLOSED_STATUSES, OPEN_STATUSES, EscalationLevel, Rating, Status
from .models import Assignment, Demand

FINANCING_CATEGORY = "financing"  # the category (slug) whose demands a partner institution may co-handle
PARTNER_KINDS = (OrgKind.FINANCIAL, OrgKind.FUND)  # the organisations that may be such a partner


def check_within_reach(user, field, units):
    """Refuse sending a demand to a department or partner that user does not see — another city's or another
    district's (Organization.scope: the user's region subtree); the step is refused at field."""
    seen = set(Organization.objects.restrict(user).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    for unit in units:
        if unit.pk not in seen:
            raise ValidationError({field: _("%(o)s is outside your region: send the demand to a unit of your "
                                            "region, or refer it up.") % {"o": unit}})


def is_office(user) -> bool:
    """An admin or chain office staff: the dispatcher, who keeps the queue (accept, dispatch, reject …)."""
    return user.role in (Role.ADMIN, Role.OFFICE) or user.is_superuser


def may_record(user) -> bool:
    """Whether user records demands on an enterprise's behalf (a visit, symposium, hotline, proposal …)."""
    return user.role in (Role.ADMIN, Role.OFFICE, Role.SPECIALIST) or user.is_superuser


def check_takes_in(user):
    """Refuse a user who takes in no demands, before anything sent is read: an enterprise raises its own, staff who
    record (may_record) raise them on an enterprise's behalf, nobody else (a handler, a partner)."""
    if user.role != Role.ENTERPRISE and not may_record(user):
        raise PermissionDenied(_("Your role cannot record demands."))


def may_write_citywide_rules(user) -> bool:
    """Whether user may write a dispatch rule with no chain (city-wide): only an admin."""
    return user.is_admin_role


def can_change_rule_in(user, chain) -> bool:
    """Whether user may write a dispatch rule for chain: an admin any; a chain office only one of its chains,
    never a city-wide rule (no chain)."""
    if may_write_citywide_rules(user):
        return True
    return user.role == Role.OFFICE and chain is not None and chain.staff.filter(pk=user.pk).exists()


@dataclass(frozen=True)
class Relation:
    """What a user is to a demand, and why a step that needs it is refused to whoever is not."""

    holds: Callable[[object, object], bool]  # (user, demand)
    denied: str


OFFICE = Relation(lambda user, demand: is_office(user), _("Only the chain office may do this."))
LEAD = Relation(  # an admin, or a handler of the lead department (承办单位)
    lambda user, demand: user.is_admin_role or (
        user.role == Role.HANDLER and bool(user.organization_id) and user.organization_id == demand.lead_department_id),
    _("Only the lead department may do this."))
def _handles(role):
    """Whether a user of role belongs to an organisation handling the demand now (an active assignment)."""
    return lambda user, demand: user.role == role and Assignment.objects.filter(
        demand=demand, department_id=user.organization_id, active=True).exists()


# a handler of a department handling the demand now: the lead or a co-handler (协办单位)
HANDLING = Relation(_handles(Role.HANDLER), _("Only a department handling the demand may answer it."))
# a partner institution (a bank …) the office made co-handler of a financing demand: it answers its part
PARTNER_HANDLING = Relation(_handles(Role.PARTNER), HANDLING.denied)
ENTERPRISE = Relation(  # a user of the enterprise that raised it
    lambda user, demand: user.role == Role.ENTERPRISE and user.organization_id == demand.organization_id,
    _("Only the enterprise that raised the demand may do this."))
# the chain office of the level that handles the demand now (its region is the demand's), or an admin or an
# office of no region (the whole platform): only that level passes it up or down (demands.services.referral)
OFFICE_AT_LEVEL = Relation(
    lambda user, demand: user.is_admin_role or (is_office(user) and user.region_id in (None, demand.district_id)),
    _("Only the chain office of the level handling the demand may refer it."))
# the refusal of every step to a chain office that oversees the demand from the region above, read only
OVERSIGHT_ONLY = _("You oversee this demand from the region above: only the chain office handling it acts on it.")
STAFF = Relation(lambda user, demand: user.is_staff_role, _("Only staff may comment on a demand."))


@dataclass(frozen=True)
class Condition:
    """A further state of the demand a step needs, and the refusal when it is not so."""

    holds: Callable[[object], bool]  # (demand)
    unmet: str


@dataclass(frozen=True)
class Step:
    """Who may take a step (any of `who`), from which statuses, and when (`when`, if given)."""

    statuses: tuple
    who: tuple
    denied: str = ""  # the refusal when the user is none of `who`; by default the first one's
    when: Condition | None = None
    offered: bool = True  # on the demand's page and the API (False: taken from elsewhere, as a meeting's minutes)

    @property
    def refusal(self):
        return self.denied or self.who[0].denied

    def opens(self, demand) -> bool:
        """Whether demand is in a state this step starts from."""
        return demand.status in self.statuses and (self.when is None or self.when.holds(demand))


EXTENSION_PENDING = Condition(lambda d: bool(d.extension_days), _("No extension has been asked for."))
NO_EXTENSION_PENDING = Condition(lambda d: not d.extension_days,
                                 _("An extension is already waiting for the office's decision."))
NOT_RATED = Condition(lambda d: not d.rating, _("This result has already been rated."))
RATED_UNSATISFIED = Condition(lambda d: d.rating == Rating.UNSATISFIED,
                              _("Rate the result as unsatisfied before reopening it."))
BELOW_JOINT_MEETING = Condition(lambda d: d.escalation_level < EscalationLevel.JOINT_MEETING,
                                _("The demand is already on the joint meeting's agenda."))



def regions_with_children():
    """The pks of the regions with a region below them, kept per process (core.reference), so that a list of
    demands offers 下交 or not without a query per demand; a region added is seen within
    REFERENCE_CACHE_SECONDS (the service itself checks the region chosen against the database)."""
    return per_process("regions-with-children", lambda: frozenset(
        Region.objects.filter(parent__isnull=False).values_list("parent_id", flat=True).distinct()))


REGION_BELOW = Condition(lambda d: d.district_id is not None and d.district_id in regions_with_children(),
                         _("No region lies below the demand's: there is no level to pass it down to."))

FINANCING = Condition(lambda d: d.category.slug == FINANCING_CATEGORY,
                      _("Only a financing demand goes to a partner institution."))

QUEUED = (Status.NEW, Status.ACCEPTED)
HANDLED = (Status.DISPATCHED, Status.WAITING)
# referred up or down: queued, or dispatched (its departments then hand it over); not while the enterprise is asked
REFERABLE = (*QUEUED, Status.DISPATCHED)

# In the order the page shows them.
STEPS = {
    "accept": Step((Status.NEW,), (OFFICE,)),
    "dispatch": Step(QUEUED, (OFFICE,)),
    "reject": Step(QUEUED, (OFFICE,)),
    "ask": Step((Status.DISPATCHED,), (LEAD,)),
    "send_back": Step((Status.DISPATCHED,), (LEAD,)),
    "close": Step((Status.DISPATCHED,), (LEAD,)),
    "answer": Step((Status.DISPATCHED,), (LEAD, HANDLING, PARTNER_HANDLING), HANDLING.denied),
    "request_extension": Step(HANDLED, (LEAD,), when=NO_EXTENSION_PENDING),
    "decide_extension": Step(HANDLED, (OFFICE,), when=EXTENSION_PENDING),
    "urge": Step(HANDLED, (OFFICE,)),
    "reassign": Step(HANDLED, (OFFICE,)),
    "add_partner": Step(HANDLED, (OFFICE,), when=FINANCING),
    "reply": Step((Status.WAITING,), (ENTERPRISE,)),
    "rate": Step(CLOSED_STATUSES, (ENTERPRISE,), when=NOT_RATED),
    "reopen": Step(CLOSED_STATUSES, (ENTERPRISE,), when=RATED_UNSATISFIED),
    "supplement": Step((Status.NEW,), (ENTERPRISE,)),  # before acceptance (services.enterprise)
    "withdraw": Step((Status.NEW,), (ENTERPRISE,)),
    "escalate": Step(OPEN_STATUSES, (OFFICE, HANDLING), _("Only the chain office or a handling department may escalate."),
                     when=BELOW_JOINT_MEETING),
    "refer_up": Step(REFERABLE, (OFFICE_AT_LEVEL,)),
    "refer_down": Step(REFERABLE, (OFFICE_AT_LEVEL,), when=REGION_BELOW),
    "merge": Step(OPEN_STATUSES, (OFFICE,)),
    "link_issue": Step(OPEN_STATUSES, (OFFICE,)),
    "comment": Step(tuple(Status), (STAFF,)),
    "resolve_at_meeting": Step(OPEN_STATUSES, (OFFICE,), offered=False),
}


def escalation_targets(demand, user):
    """The levels user may escalate demand to (None: the platform's overdue sweep): the next one, or for the
    chain office every higher level up to the joint meeting."""
    top = EscalationLevel.JOINT_MEETING if user is not None and is_office(user) else (
        demand.escalation_level + 1)
    return [level for level in EscalationLevel.values if demand.escalation_level < level <= top]


def acts_on(user, demand) -> bool:
    """Whether demand is in user's scope to act (Demand.scope "change"), not only to see: a chain office reads
    the demands of the regions below its own (oversight) and takes no step on them. One query, and only for a
    user whose two scopes differ."""
    return not oversees(user) or Demand.objects.restrict(user, "change").filter(pk=demand.pk).exists()


def check(step, user, demand):
    """Refuse (PermissionDenied) a user who is none of what `step` needs them to be to demand, or who only
    oversees it (acts_on)."""
    if not acts_on(user, demand):
        raise PermissionDenied(str(OVERSIGHT_ONLY))
    rule = STEPS[step]
    if not any(relation.holds(user, demand) for relation in rule.who):
        raise PermissionDenied(str(rule.refusal))


def available_actions(demand, user, acts=None) -> list[str]:
    """The steps user may take on demand now (what the detail page offers and the API accepts): none on a
    demand user only oversees (acts_on; `acts`: its answer when already known, as for a list's rows)."""
    if not (acts_on(user, demand) if acts is None else acts):
        return []
    holds = cache(lambda relation: relation.holds(user, demand))  # each relation asked once (HANDLING: a query)
    return [name for name, step in STEPS.items()
            if step.offered and step.opens(demand) and any(holds(relation) for relation in step.who)]
