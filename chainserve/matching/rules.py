"""Eligibility rules — 资格条件 — as JSON data, the language itself: validate, evaluate and explain a rule on a
profile (plain values in, plain values out; the profiles and the rule compiled to a query come from
matching.profiles, which reads the database).

A rule is a tree of plain JSON:

    {"all": [node, …]}   {"any": [node, …]}   {"not": node}
    {"field": "employees", "op": "lt", "value": 300}

over the enterprise fields in FIELDS, and

    {"product": node}

— some product of the enterprise such that node holds for that one product (node is a tree of the same
shape over the product fields in PRODUCT_FIELDS: kind, registration class, phase, approval type and date,
expedited programmes). "A class-1 drug in phase I or later" is {"product": {"all": [drug_class eq chem1,
phase at_least phase1]}}: a firm with a class-1 drug in preclinical work and an approved generic does not
have one. {"placement": node} and {"agreement": node} are the same over the enterprise's chain placements
(PLACEMENT_FIELDS: chain, segment, role) and the agreements it signed (AGREEMENT_FIELDS: kind, status, amount
in 万元, signing date, chain): "a 链主 on the 生物药 chain" is one placement with both, not a 链主 somewhere and a
placement on 生物药 elsewhere. A date compared `in_policy_year` is within the policy year: the rule version's effective period
when it has both ends, else the calendar year of the day evaluated (`policy_year`). Nothing in a rule is ever executed: it is checked against the
tables below (fields, operators, value types, depth and size limits) and then translated.

Missing data (three-valued logic, the same in both evaluators). A comparison of a field the enterprise
has not filled in (no district, no founding date, no employee count, no size) is *unknown*, whatever the
operator, except is_null / not_null, which are always known. Sets (labels, segments, pipeline phases,
registration classes) are never unknown: an empty set is known to be empty. Unknown propagates by
Kleene's rules — not(unknown) = unknown; all(…) is false if any part is false, else unknown if any part
is unknown; any(…) is true if any part is true, else unknown if any part is unknown; product(…) (placement, agreement) is
true if it is true of some product, false if it is false of every product (or the enterprise has none), else
unknown (a product field not filled in is unknown, as an enterprise field is). An enterprise
qualifies only when the whole rule is *true*: unknown counts as not qualifying.

The SQL side (matching.profiles.compile_rule) compiles every node twice over — the Q of "certainly true" and the Q of "certainly false"
(`not` swaps them, `all`/`any` swap AND and OR for the false side) — and filters on the first, so SQL's
own NULL handling and Django's negation rules never decide anything. `evaluate` (Python) gives the same
answer for every profile; a hypothesis test checks this on SQLite and PostgreSQL.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from chainserve.chains.choices import PlacementRole
from chainserve.coordination.choices import AgreementKind, AgreementStatus
from chainserve.core.money import format_amount
from chainserve.registry.choices import (
    ApprovalType,
    DrugClass,
    Expedited,
    ListingStatus,
    OrgSize,
    Phase,
    ProductKind,
)

MAX_DEPTH = 8
MAX_NODES = 200
MAX_LIST = 200
MAX_TEXT = 100
MAX_NUMBER = 10_000_000
MAX_YEARS = 200

SCALAR_OPS = ("eq", "ne", "in", "not_in", "is_null", "not_null")
ORDERED_OPS = ("lt", "le", "gt", "ge")
AGE_OPS = ("age_years_lt", "age_years_ge")
SET_OPS = ("has", "has_any", "has_all", "has_none")
RANGE_OPS = ("between", "in_policy_year")
NULL_OPS = ("is_null", "not_null")
VALUELESS_OPS = NULL_OPS + ("in_policy_year",)
LIST_OPS = ("in", "not_in", "has_any", "has_all", "has_none")
NEGATED = {"ne": "eq", "not_in": "in", "not_null": "is_null", "has_none": "has_any"}
FLIPPED = {"lt": "ge", "ge": "lt", "le": "gt", "gt": "le", "age_years_lt": "age_years_ge",
           "age_years_ge": "age_years_lt"}
LOOKUP = {"eq": "exact", "lt": "lt", "le": "lte", "gt": "gt", "ge": "gte", "in": "in"}


class RuleError(ValueError):
    """A rule that cannot be used; `path` names the wrong node (e.g. all[1].value), `message` says why."""

    def __init__(self, path, message):
        self.path = path or "rule"
        self.message = message
        super().__init__(f"{self.path}: {message}")


@dataclass(frozen=True)
class Field:
    """One enterprise (or product) field a rule may test: its kind, how SQL reaches it, its allowed values."""

    name: str
    label: object
    kind: str  # "text", "choice", "number", "date", "set"
    path: str = ""  # ORM path of a scalar field (of a product's JSON list, for a product's set field)
    choices: tuple = ()  # allowed values (and, for scalars, the only values that count as present)
    present: str = ""  # ORM path whose NOT NULL means the value is present (for a path across a join)
    via: tuple = ()  # (model label, key field): a foreign key compared by the key of the row it points to
    ordered: tuple = field(default=(), compare=False)  # for "at_least" on ordered values
    aged: bool = False  # a date whose age in years a rule may test (founded less than N years ago)
    members: tuple = ()  # for a set read from columns: the ORM paths any of which holding a value makes it a member
    scale: int = 1  # a number kept in smaller units than a rule writes it (万元 in the rule, fen in the table)

    @property
    def ops(self):
        at_least = ("at_least",) if self.ordered else ()
        if self.kind == "set":
            return SET_OPS + at_least
        if self.kind == "number":
            return SCALAR_OPS + ORDERED_OPS
        if self.kind == "date":
            return SCALAR_OPS + ORDERED_OPS + RANGE_OPS + (AGE_OPS if self.aged else ())
        return SCALAR_OPS + at_least


PHASE_ORDER = tuple(Phase.values)  # preclinical → approved
FIELDS = {f.name: f for f in [
    Field("district", gettext_lazy("district"), "text", present="district_id", via=("core.Region", "code")),
    Field("park", gettext_lazy("park"), "text", present="park_id", via=("registry.Organization", "name")),
    Field("founded_on", gettext_lazy("founding date"), "date", path="founded_on", aged=True),
    Field("size", gettext_lazy("size"), "choice", path="size", choices=tuple(OrgSize.values)),
    Field("employees", gettext_lazy("employees"), "number", path="employees"),
    Field("listing_status", gettext_lazy("listing status"), "choice", path="listing_status",
          choices=tuple(ListingStatus.values)),
    Field("labels", gettext_lazy("labels"), "set"),
    Field("segment", gettext_lazy("chain segment"), "set"),
    Field("phase", gettext_lazy("pipeline phase"), "set", choices=PHASE_ORDER, ordered=PHASE_ORDER),
    Field("drug_class", gettext_lazy("registration class"), "set", choices=tuple(DrugClass.values)),
]}
# The fields of one product, for the conditions inside {"product": …} (paths are Product's columns).
PRODUCT_FIELDS = {f.name: f for f in [
    Field("kind", gettext_lazy("product kind"), "choice", path="kind", choices=tuple(ProductKind.values)),
    Field("drug_class", gettext_lazy("registration class"), "choice", path="drug_class",
          choices=tuple(DrugClass.values)),
    Field("phase", gettext_lazy("phase"), "choice", path="phase", choices=PHASE_ORDER, ordered=PHASE_ORDER),
    Field("approval_type", gettext_lazy("approval type"), "choice", path="approval_type",
          choices=tuple(ApprovalType.values)),
    Field("approved_on", gettext_lazy("approval date"), "date", path="approved_on"),
    Field("expedited", gettext_lazy("expedited programmes"), "set", path="expedited",
          choices=tuple(Expedited.values)),
]}
# The fields of one chain placement, for {"placement": …}: its chain (by name), its segment (a placement on a
# child segment is also on its parent, as for the enterprise's `segment`) and the firm's role there.
PLACEMENT_FIELDS = {f.name: f for f in [
    Field("chain", gettext_lazy("chain"), "text", path="chain__name"),
    Field("segment", gettext_lazy("chain segment"), "set", members=("segment__name", "segment__parent__name")),
    Field("role", gettext_lazy("role on the chain"), "choice", path="role", choices=tuple(PlacementRole.values)),
]}
# The fields of one agreement the enterprise signed, for {"agreement": …}; amounts are written in 万元.
AGREEMENT_FIELDS = {f.name: f for f in [
    Field("kind", gettext_lazy("agreement kind"), "choice", path="kind", choices=tuple(AgreementKind.values)),
    Field("status", gettext_lazy("agreement status"), "choice", path="status",
          choices=tuple(AgreementStatus.values)),
    Field("amount", gettext_lazy("amount (10,000 yuan)"), "number", path="amount_fen", scale=1_000_000),
    Field("signed_on", gettext_lazy("signing date"), "date", path="signed_on"),
    Field("chain", gettext_lazy("chain"), "text", path="chain__name"),
]}


@dataclass(frozen=True)
class Part:
    """A kind of record an enterprise has several of, which a condition reads one at a time: {key: node} is
    true when node holds for some one of the profile's `many` (each a dict over `fields`, with its `name`)."""

    key: str
    many: str
    fields: dict
    named: object  # the one that meets the condition, or came closest, in an explanation
    none: object  # the enterprise has none
    words: object  # the condition in words


PARTS = {part.key: part for part in [
    Part("product", "products", PRODUCT_FIELDS, gettext_lazy("Product %(name)s: %(conditions)s"),
         gettext_lazy("no products"), gettext_lazy("one product with: %(conditions)s")),
    Part("placement", "placements", PLACEMENT_FIELDS, gettext_lazy("Placement %(name)s: %(conditions)s"),
         gettext_lazy("not placed on a chain"), gettext_lazy("one chain placement with: %(conditions)s")),
    Part("agreement", "agreements", AGREEMENT_FIELDS, gettext_lazy("Agreement %(name)s: %(conditions)s"),
         gettext_lazy("no agreements"), gettext_lazy("one agreement with: %(conditions)s")),
]}


def part_of(node):
    """The Part a node is a condition over ({"product": …}, {"placement": …} …), else None."""
    return next((part for key, part in PARTS.items() if key in node), None)


# ---------------------------------------------------------------- validation

def validate(rule):
    """Return rule if it is well formed; raise RuleError naming the first wrong node otherwise."""
    counter = [0]
    _check(rule, "", 1, counter, FIELDS)
    return rule


def _join(path, part):
    return f"{path}.{part}" if path else part


def _check(node, path, depth, counter, fields):
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise RuleError(path, _("The rule has more than %(n)d parts.") % {"n": MAX_NODES})
    if depth > MAX_DEPTH:
        raise RuleError(path, _("The rule is nested more than %(n)d levels deep.") % {"n": MAX_DEPTH})
    if not isinstance(node, dict):
        raise RuleError(path, _("Each part of a rule is an object: all, any, not, product or a comparison."))
    keys = set(node)
    for group in ("all", "any"):
        if group in keys:
            if keys != {group}:
                raise RuleError(path, _("“%(group)s” stands alone in its object.") % {"group": group})
            parts = node[group]
            if not isinstance(parts, list) or not parts:
                raise RuleError(_join(path, group), _("“%(group)s” needs a non-empty list of conditions.")
                                % {"group": group})
            for i, part in enumerate(parts):
                _check(part, f"{_join(path, group)}[{i}]", depth + 1, counter, fields)
            return
    if "not" in keys:
        if keys != {"not"}:
            raise RuleError(path, _("“not” stands alone in its object."))
        _check(node["not"], _join(path, "not"), depth + 1, counter, fields)
        return
    part = part_of(node)
    if part is not None:
        if len(keys) != 1:
            raise RuleError(path, _("“%(group)s” stands alone in its object.") % {"group": part.key})
        if fields is not FIELDS:
            raise RuleError(_join(path, part.key), _("A condition over one product, placement or agreement cannot "
                                                     "hold another such condition."))
        _check(node[part.key], _join(path, part.key), depth + 1, counter, part.fields)
        return
    if not keys <= {"field", "op", "value"} or not {"field", "op"} <= keys:
        raise RuleError(path, _("A comparison has exactly “field”, “op” and, except for is_null, not_null and "
                                "in_policy_year, “value”; use all, any, not or product to combine them."))
    name, op = node["field"], node["op"]
    spec = fields.get(name) if isinstance(name, str) else None
    if spec is None and fields is PRODUCT_FIELDS:
        raise RuleError(_join(path, "field"), _("Unknown product field %(name)s. Known product fields: %(known)s.")
                        % {"name": _show(name), "known": ", ".join(fields)})
    if spec is None and fields is not FIELDS:
        raise RuleError(_join(path, "field"), _("Unknown field %(name)s here. Known fields here: %(known)s.")
                        % {"name": _show(name), "known": ", ".join(fields)})
    if spec is None:
        raise RuleError(_join(path, "field"), _("Unknown field %(name)s. Known fields: %(known)s.")
                        % {"name": _show(name), "known": ", ".join(fields)})
    if not isinstance(op, str) or op not in spec.ops:
        raise RuleError(_join(path, "op"), _("%(field)s does not take the operator %(op)s; it takes %(ops)s.")
                        % {"field": name, "op": _show(op), "ops": ", ".join(spec.ops)})
    if op in VALUELESS_OPS:
        if "value" in keys:
            raise RuleError(_join(path, "value"), _("%(op)s takes no value.") % {"op": op})
        return
    if "value" not in keys:
        raise RuleError(path, _("%(op)s needs a value.") % {"op": op})
    _check_value(spec, op, node["value"], _join(path, "value"))


def _show(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _check_value(spec, op, value, path):
    if op in LIST_OPS:
        if not isinstance(value, list) or not value:
            raise RuleError(path, _("%(op)s needs a non-empty list of values.") % {"op": op})
        if len(value) > MAX_LIST:
            raise RuleError(path, _("A list holds at most %(n)d values.") % {"n": MAX_LIST})
        for i, item in enumerate(value):
            _check_one(spec, item, f"{path}[{i}]")
    elif op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise RuleError(path, _("between needs a list of two dates: [first day, last day]."))
        for i, item in enumerate(value):
            _check_one(spec, item, f"{path}[{i}]")
        if value[1] < value[0]:
            raise RuleError(path, _("The period ends before it begins."))
    elif op in AGE_OPS:
        if not _is_int(value) or not 0 <= value <= MAX_YEARS:
            raise RuleError(path, _("A number of years is a whole number from 0 to %(n)d.") % {"n": MAX_YEARS})
    else:
        _check_one(spec, value, path)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _check_one(spec, value, path):
    if spec.kind == "number":
        if not _is_int(value) or not 0 <= value <= MAX_NUMBER:
            raise RuleError(path, _("%(field)s is compared with a whole number from 0 to %(n)d.")
                            % {"field": spec.name, "n": MAX_NUMBER})
    elif spec.kind == "date":
        if not isinstance(value, str) or _parse_date(value) is None:
            raise RuleError(path, _("%(field)s is compared with a date written YYYY-MM-DD, between 1900 and 2100.")
                            % {"field": spec.name})
    elif spec.choices:
        if value not in spec.choices:
            raise RuleError(path, _("%(value)s is not a value of %(field)s; use one of %(choices)s.")
                            % {"value": _show(value), "field": spec.name, "choices": ", ".join(spec.choices)})
    elif not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise RuleError(path, _("%(field)s is compared with a text of 1 to %(n)d characters.")
                        % {"field": spec.name, "n": MAX_TEXT})


def _parse_date(text):
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2100 and len(text) == 10 else None


def leaves(rule):
    """The comparisons of a rule, depth first."""
    if "all" in rule or "any" in rule:
        for part in rule.get("all") or rule.get("any"):
            yield from leaves(part)
    elif "not" in rule or part_of(rule):
        yield from leaves(rule.get("not") or rule[part_of(rule).key])
    else:
        yield rule


# ---------------------------------------------------------------- shared meaning of one comparison

def years_before(day, years):
    """The same calendar day `years` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def policy_year(today, period=None):
    """(first day, last day) of the policy year: period — a rule version's (effective_from, effective_to) —
    when it has both ends, else the calendar year of today."""
    if period and period[0] and period[1]:
        return tuple(period)
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


@dataclass(frozen=True)
class When:
    """The day a rule is evaluated on and its policy year: what makes ages and `in_policy_year` concrete."""

    today: datetime.date
    year: tuple

    @classmethod
    def of(cls, today=None, period=None):
        today = today or timezone.localdate()
        return cls(today, policy_year(today, period))


def canonical(op, value, spec, today):
    """(positive, base op, value): every operator as a plain one, negated or not.

    ne → not eq, not_in → not in, not_null → not is_null, has_none → not has_any, has → has_any [v],
    at_least → has_any (for a set; in, for one value) of the values from v on, a date as a date, an age as a cut-off
    date. (has_all, between and in_policy_year are combinations: see `expand`.)"""
    positive = True
    if op in NEGATED:
        positive, op = False, NEGATED[op]
    if op == "has":
        op, value = "has_any", [value]
    elif op == "at_least":
        op, value = ("has_any" if spec.kind == "set" else "in"), list(spec.ordered[spec.ordered.index(value):])
    elif op in AGE_OPS:
        # Younger than N years ⟺ founded after the day N years ago; at least N years ⟺ on or before it.
        cutoff = years_before(today, value)
        op, value = ("gt" if op == "age_years_lt" else "le"), cutoff
    elif spec.kind == "date" and op in LOOKUP:
        value = [_parse_date(v) for v in value] if op == "in" else _parse_date(value)
    elif spec.scale != 1 and op in LOOKUP:
        value = [v * spec.scale for v in value] if op == "in" else value * spec.scale
    return positive, op, value


def expand(node, when):
    """A comparison that is a combination of plain ones, as that combination (else None): has_all [a, b] as
    all of (has a, has b); between [a, b] as all of (on or after a, on or before b); in_policy_year as
    between the policy year's first and last day."""
    op, name = node["op"], node["field"]
    if op == "has_all":
        return {"all": [{"field": name, "op": "has", "value": v} for v in node["value"]]}
    if op in RANGE_OPS:
        first, last = node["value"] if op == "between" else (day.isoformat() for day in when.year)
        return {"all": [{"field": name, "op": "ge", "value": first}, {"field": name, "op": "le", "value": last}]}
    return None


def comparison(node, fields, when, leaf, group):
    """The shared descent of the three evaluators for a comparison: leaf(spec, positive, op, value) for a
    plain one, group(combination) for one that `expand` rewrites."""
    combined = expand(node, when)
    if combined is not None:
        return group(combined)
    spec = fields[node["field"]]
    return leaf(spec, *canonical(node["op"], node.get("value"), spec, when.today))


# ---------------------------------------------------------------- Python

def evaluate(rule, profile, today=None, period=None):
    """True, False or None (unknown) for one enterprise's profile (see `profiles`) on today, in the policy
    year of period (a rule version's effective_from, effective_to; see `policy_year`)."""
    return _eval(rule, profile, When.of(today, period))


def _eval(node, profile, when, fields=FIELDS):
    if "all" in node or "any" in node:
        results = [_eval(p, profile, when, fields) for p in node.get("all") or node.get("any")]
        decisive = "all" not in node  # any: one true decides; all: one false decides
        if decisive in results:
            return decisive
        return None if None in results else not decisive
    if "not" in node:
        result = _eval(node["not"], profile, when, fields)
        return None if result is None else not result
    part = part_of(node)
    if part is not None:  # true of some product (placement …), false of every one, else unknown
        results = [_eval(node[part.key], one, when, part.fields) for one in profile.get(part.many, ())]
        return True if True in results else None if None in results else False
    return comparison(node, fields, when, lambda *leaf: _leaf(profile, *leaf),
                      lambda combined: _eval(combined, profile, when, fields))


def _leaf(profile, spec, positive, op, value):
    actual = profile.get(spec.name)
    if spec.kind == "set":
        result = bool(set(actual or ()) & set(value))
    elif op == "is_null":
        result = actual is None
    elif actual is None:
        return None
    elif op == "eq":
        result = actual == value
    elif op == "in":
        result = actual in value
    else:
        result = {"lt": actual < value, "le": actual <= value, "gt": actual > value, "ge": actual >= value}[op]
    return result if positive else not result


# ---------------------------------------------------------------- explanation

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
MARKS = {MET: "✔", NOT_MET: "✘", UNKNOWN: "?"}


@dataclass
class Explanation:
    """One node's verdict, in words: `text` is the condition, `actual` what the enterprise has (for a
    product condition, the product that meets it or came closest, with a mark for each of its conditions)."""

    status: str
    text: str
    actual: str = ""
    path: str = ""
    parts: list = field(default_factory=list)

    @property
    def met(self):
        return self.status == MET


@dataclass
class Verdict:
    """The whole rule for one enterprise: qualifies or not, the conditions, and for a near miss what is missing."""

    status: str
    conditions: list
    missing: list  # the conditions not met (a near miss has exactly one)

    @property
    def qualifies(self):
        return self.status == MET

    @property
    def near_miss(self):
        return not self.qualifies and len(self.conditions) > 1 and len(self.missing) == 1


def near_miss(rule, profile, today=None, period=None):
    """Whether all but one of the rule's top-level conditions are met (at least two conditions) — cheaper
    than explain(); the same answer as explain(…).near_miss."""
    top = rule["all"] if "all" in rule else [rule]
    when = When.of(today, period)
    return len(top) > 1 and sum(_eval(node, profile, when) is not True for node in top) == 1


def _status(result):
    return MET if result is True else NOT_MET if result is False else UNKNOWN


def _top(node):
    return node["all"] if "all" in node else [node]


def explain(rule, profile, today=None, names=None, period=None):
    """Verdict of rule for one profile: the top-level conditions (the parts of a top-level `all`, or the
    rule itself) each met / not met / unknown with the enterprise's value, worded for people."""
    when = When.of(today, period)
    names = names or {}
    top = _top(rule)
    paths = [f"all[{i}]" for i in range(len(top))] if "all" in rule else [""]
    conditions = [_explain(node, profile, when, names, path) for node, path in zip(top, paths, strict=True)]
    status = _status(_eval(rule, profile, when))
    return Verdict(status, conditions, [c for c in conditions if not c.met])


def _explain(node, profile, when, names, path, fields=FIELDS):
    status = _status(_eval(node, profile, when, fields))
    if "field" in node:
        return Explanation(status, describe(node, names, fields), _actual(node, profile, names, fields), path)
    if part_of(node):
        return _explain_part(node, profile, when, names, path, status)
    group = "all" if "all" in node else "any" if "any" in node else "not"
    kids = node[group] if group != "not" else [node["not"]]
    parts = [_explain(k, profile, when, names, f"{_join(path, group)}[{i}]" if group != "not"
                      else _join(path, "not"), fields) for i, k in enumerate(kids)]
    return Explanation(status, describe(node, names, fields), "", path, parts)


def _explain_part(node, profile, when, names, path, status):
    """A condition over one product (placement, agreement): the first one that meets it, or else the one that
    meets most of its parts (the closest — what a near miss lacks is on that one), each part marked on it."""
    part = part_of(node)
    inner, ones = node[part.key], profile.get(part.many, ())
    if not ones:
        return Explanation(status, describe(node, names), str(part.none), path)
    top = _top(inner)

    def closeness(one):
        verdicts = [_eval(p, one, when, part.fields) for p in top]
        return _eval(inner, one, when, part.fields) is True, verdicts.count(True), -verdicts.count(False)

    best = max(ones, key=closeness)  # the first of equals
    inner_path = _join(path, part.key)
    paths = [f"{inner_path}.all[{i}]" for i in range(len(top))] if "all" in inner else [inner_path]
    parts = [_explain(p, best, when, names, p_path, part.fields) for p, p_path in zip(top, paths, strict=True)]
    marks = pgettext("list separator", ", ").join(
        f"{p.actual or p.text} {MARKS[p.status]}" for p in parts)
    actual = str(part.named) % {"name": best["name"], "conditions": marks}
    return Explanation(status, describe(node, names), actual, path, parts)


CHOICES = (OrgSize, ListingStatus, Phase, DrugClass, ProductKind, ApprovalType, Expedited, PlacementRole,
           AgreementKind, AgreementStatus)


def _display(spec, value, names):
    if isinstance(value, list):
        return "、".join(_display(spec, v, names) for v in value)
    lookup = names.get(spec.name, {})
    if value in lookup:
        return str(lookup[value])
    for choices in CHOICES:
        if spec.choices and value in choices.values and set(spec.choices) <= set(choices.values):
            return str(choices(value).label)
    return str(value)


def _actual(node, profile, names, fields=FIELDS):
    spec = fields[node["field"]]
    actual = profile.get(spec.name)
    if spec.kind == "set":
        return _display(spec, sorted(actual), names) if actual else _("none")
    if actual is None:
        return _("not filled in")
    if spec.scale != 1:  # an amount kept in fen: 500万元
        return format_amount(actual)
    if fields is PRODUCT_FIELDS and spec.name == "approved_on" and profile.get("approval_type"):
        # the date with the approval it is of: 临床试验批准 2026-03-02
        return f"{ApprovalType(profile['approval_type']).label} {actual.isoformat()}"
    return _display(spec, actual.isoformat() if isinstance(actual, datetime.date) else actual, names)


def describe(node, names=None, fields=FIELDS):
    """A condition in plain words, e.g. “founded less than 3 years ago” (成立不满3年)."""
    names = names or {}
    if "all" in node:
        return _(" and ").join(describe(p, names, fields) for p in node["all"])
    if "any" in node:
        return _("one of: %(parts)s") % {"parts": _("; ").join(describe(p, names, fields) for p in node["any"])}
    if "not" in node:
        return _("not (%(part)s)") % {"part": describe(node["not"], names, fields)}
    part = part_of(node)
    if part is not None:
        return str(part.words) % {"conditions": describe(node[part.key], names, part.fields)}
    spec = fields[node["field"]]
    op, value = node["op"], node.get("value")
    words = {"field": spec.label, "value": _display(spec, value, names) if value is not None else ""}
    if op == "between":
        words.update(first=value[0], last=value[1])
    template = (DATE_WORDS if spec.kind == "date" and op in DATE_WORDS else WORDS)[op]
    return str(template) % words


# One lazy string per operator: describe() translates only the one it needs.
WORDS = {
    "eq": gettext_lazy("%(field)s is %(value)s"), "ne": gettext_lazy("%(field)s is not %(value)s"),
    "in": gettext_lazy("%(field)s is one of %(value)s"), "not_in": gettext_lazy("%(field)s is none of %(value)s"),
    "is_null": gettext_lazy("%(field)s is not filled in"), "not_null": gettext_lazy("%(field)s is filled in"),
    "lt": gettext_lazy("%(field)s less than %(value)s"), "le": gettext_lazy("%(field)s at most %(value)s"),
    "gt": gettext_lazy("%(field)s more than %(value)s"), "ge": gettext_lazy("%(field)s at least %(value)s"),
    "has": gettext_lazy("%(field)s include %(value)s"),
    "has_any": gettext_lazy("%(field)s include one of %(value)s"),
    "has_all": gettext_lazy("%(field)s include all of %(value)s"),
    "has_none": gettext_lazy("%(field)s include none of %(value)s"),
    "at_least": gettext_lazy("%(field)s at %(value)s or later"),
    "age_years_lt": gettext_lazy("founded less than %(value)s years ago"),
    "age_years_ge": gettext_lazy("founded at least %(value)s years ago"),
    "between": gettext_lazy("%(field)s from %(first)s to %(last)s"),
    "in_policy_year": gettext_lazy("%(field)s within the policy year"),
}
DATE_WORDS = {
    "lt": gettext_lazy("%(field)s before %(value)s"), "le": gettext_lazy("%(field)s on or before %(value)s"),
    "gt": gettext_lazy("%(field)s after %(value)s"), "ge": gettext_lazy("%(field)s on or after %(value)s"),
}
