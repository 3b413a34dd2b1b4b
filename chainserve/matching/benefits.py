"""Benefits — 兑现内容 — as data, versioned with the rule (RuleVersion.benefits), and the calculator: what one
enterprise may get, in fen, with its trace. Plain values in, plain values out (the profile comes from
matching.profiles, the declared inputs from DeclaredInput).

Benefits are a list of items, each with a `label` and exactly one of:

    {"label": "专精特新奖励", "amount": "50"}                           a fixed sum
    {"label": "专精特新奖励", "tiers": [{"when": rule, "amount": "50"},  the first tier whose condition (a rule
                                       {"amount": "20"}]}                over the profile) is true; the last
                                                                         may have no condition
    {"label": "研发费用补助", "base": "rd_cost", "rate": "20%"}          a share of a base the firm declares
    {"label": "新增就业补贴", "base": "headcount", "per_head": "0.5"}    an amount per new employee

and optionally `cap` (at most this much for the item), `product` (a product condition, as in a rule: the
item counts only if some product of the firm meets it; a fixed sum or tier is then paid per such product)
and `product_cap` (with `product`: at most this much per product meeting it, so n products cap the item at
n × product_cap). A cap over all items per enterprise and year is the version's `benefit_cap` (fen).

Amounts in a benefit are written in 万元, as text or whole numbers ("500", "0.5", "12.3456"), exact to the
fen (six decimals at most; a JSON number with a fraction is refused, as it would not stay exact). Rates
are text with % or ‰ ("20%", "2.5‰"). Everything is computed in integer fen with Decimal; a share is
rounded DOWN to the fen (never more than the policy says: 333.333…元 → 333.33元).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chainserve.core.money import FEN_PER_WAN, FEN_PER_YUAN, format_amount

from . import rules
from .choices import BaseKind

# The bases a firm declares, and how they read in a clause ("按研发投入20%计").
BASES = {kind.value: kind.label for kind in BaseKind}
HEADCOUNT = BaseKind.HEADCOUNT.value
MAX_ITEMS = 20
MAX_TIERS = 10
MAX_LABEL = 100
MAX_WAN = Decimal(10_000_000)  # 1000亿元: more than any one benefit
MAX_HEADCOUNT = 1_000_000
MAX_DECLARED_FEN = int(MAX_WAN) * FEN_PER_WAN
ITEM_KEYS = {"label", "amount", "tiers", "base", "rate", "per_head", "cap", "product", "product_cap"}
AMOUNT_TEXT = re.compile(r"^\d{1,8}(\.\d{1,6})?$")
TYPED_AMOUNT = re.compile(r"^(\d{1,12}(?:\.\d{1,6})?)(万元|万|元)?$")
RATE_TEXT = re.compile(r"^(\d{1,4}(\.\d{1,4})?)(%|‰)$")


class BenefitError(rules.RuleError):
    """Benefits that cannot be used; `path` names the wrong part (benefits[1].rate)."""


# ---------------------------------------------------------------- validation

def validate(benefits):
    """Return benefits if well formed; raise BenefitError naming the first wrong part otherwise."""
    if not isinstance(benefits, list):
        raise BenefitError("benefits", _("Benefits are a list of items."))
    if len(benefits) > MAX_ITEMS:
        raise BenefitError("benefits", _("A policy has at most %(n)d benefit items.") % {"n": MAX_ITEMS})
    for i, item in enumerate(benefits):
        _check_item(item, f"benefits[{i}]")
    return benefits


def _check_item(item, path):
    if not isinstance(item, dict):
        raise BenefitError(path, _("Each benefit item is an object with a label."))
    unknown = sorted(set(item) - ITEM_KEYS)
    if unknown:
        raise BenefitError(f"{path}.{unknown[0]}", _("Unknown key. Known keys: %(known)s.")
                           % {"known": ", ".join(sorted(ITEM_KEYS))})
    label = item.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
        raise BenefitError(f"{path}.label", _("Give a label of 1 to %(n)d characters.") % {"n": MAX_LABEL})
    kinds = [k for k in ("amount", "tiers", "base") if k in item]
    if len(kinds) != 1:
        raise BenefitError(path, _("An item has exactly one of “amount” (a fixed sum), “tiers” or “base” (a share "
                                   "of a declared base)."))
    if "amount" in item:
        to_fen(item["amount"], f"{path}.amount")
    elif "tiers" in item:
        _check_tiers(item["tiers"], f"{path}.tiers")
    else:
        _check_base(item, path)
    for key in ("rate", "per_head"):
        if key in item and "base" not in item:
            raise BenefitError(f"{path}.{key}", _("Only an item with a base takes “%(key)s”.") % {"key": key})
    if "cap" in item:
        to_fen(item["cap"], f"{path}.cap")
    if "product" in item:
        try:
            rules.validate({"product": item["product"]})
        except rules.RuleError as e:
            raise BenefitError(f"{path}.{e.path}", e.message) from None
    if "product_cap" in item:
        if "product" not in item:
            raise BenefitError(f"{path}.product_cap", _("A cap per product needs a product condition (“product”)."))
        to_fen(item["product_cap"], f"{path}.product_cap")


def _check_tiers(tiers, path):
    if not isinstance(tiers, list) or not tiers or len(tiers) > MAX_TIERS:
        raise BenefitError(path, _("“tiers” is a list of 1 to %(n)d tiers.") % {"n": MAX_TIERS})
    for i, tier in enumerate(tiers):
        where = f"{path}[{i}]"
        if not isinstance(tier, dict) or "amount" not in tier or not set(tier) <= {"when", "amount"}:
            raise BenefitError(where, _("A tier is {\"when\": condition, \"amount\": sum}; only the last may go "
                                        "without “when”."))
        if "when" not in tier and i != len(tiers) - 1:
            raise BenefitError(where, _("Only the last tier may go without “when”."))
        if "when" in tier:
            try:
                rules.validate(tier["when"])
            except rules.RuleError as e:
                raise BenefitError(f"{where}.when.{e.path}" if e.path != "rule" else f"{where}.when",
                                   e.message) from None
        to_fen(tier["amount"], f"{where}.amount")


def _check_base(item, path):
    base = item["base"]
    if base not in BASES:
        raise BenefitError(f"{path}.base", _("Unknown base %(base)s; use one of %(known)s.")
                           % {"base": rules._show(base), "known": ", ".join(BASES)})
    if base == HEADCOUNT:
        if "per_head" not in item or "rate" in item:
            raise BenefitError(path, _("A headcount item has “per_head” (an amount per new employee), no rate."))
        to_fen(item["per_head"], f"{path}.per_head")
    else:
        if "rate" not in item or "per_head" in item:
            raise BenefitError(path, _("An item with a base other than headcount has a “rate” and no per_head."))
        rate_of(item["rate"], f"{path}.rate")


def to_fen(value, path="amount"):
    """An amount written in 万元 (text or a whole number) as integer fen; BenefitError if it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not AMOUNT_TEXT.match(value) or Decimal(value) > MAX_WAN:
        raise BenefitError(path, _("An amount is written in 万元 as text, e.g. \"500\" or \"0.5\": a number from 0 "
                                   "to %(max)s, to the fen (six decimals at most).") % {"max": MAX_WAN})
    return int(Decimal(value) * FEN_PER_WAN)


def typed_to_fen(text, path="amount"):
    """An amount as a person types it on a form — 500, 500万, 500万元, 5,000,000元, full-width digits — as integer
    fen: in 万元 unless 元 is written, exact (to the fen: 元 with two decimals at most, 万元 with six); BenefitError
    otherwise. 500万元 = 5,000,000元 = 500,000,000 fen."""
    normal = re.sub(r"[\s,]", "", unicodedata.normalize("NFKC", str(text)))  # ５００，０００ → 500,000 → 500000
    found = TYPED_AMOUNT.match(normal)
    fen = Decimal(found[1]) * (FEN_PER_YUAN if found[2] == "元" else FEN_PER_WAN) if found else None
    if fen is None or fen != fen.to_integral_value() or fen > MAX_DECLARED_FEN:
        raise BenefitError(path, _("Write an amount in 万元, or in 元 with 元 after it (500, 500万元, 5,000,000元): "
                                   "to the fen, at most %(max)s万元.") % {"max": MAX_WAN})
    return int(fen)


def rate_of(text, path="rate"):
    """A rate written "20%" or "2.5‰" as an exact fraction (Decimal); BenefitError otherwise."""
    found = RATE_TEXT.match(text) if isinstance(text, str) else None
    rate = Decimal(found[1]) / (100 if found[3] == "%" else 1000) if found else None
    if rate is None or not 0 < rate <= 1:
        raise BenefitError(path, _("A rate is text with % or ‰, above 0 and at most 100%: \"20%\", \"2.5‰\"."))
    return rate


def bases_needed(benefits):
    """The bases the firm declares for these benefits, in the order of the items."""
    return list(dict.fromkeys(item["base"] for item in benefits or () if "base" in item))


# ---------------------------------------------------------------- words

def clause(item, names=None):
    """The item in words: 按研发投入20%计，500万元封顶; 每新增一人0.5万元; 50万元."""
    if "base" in item:
        base = BASES[item["base"]]
        if item["base"] == HEADCOUNT:
            text = _("%(each)s per %(base)s") % {"each": format_amount(to_fen(item["per_head"])), "base": base}
        else:
            text = _("%(rate)s of %(base)s") % {"rate": item["rate"], "base": base}
    elif "tiers" in item:
        tiers = [(_("%(amount)s if %(when)s") % {"amount": format_amount(to_fen(t["amount"])),
                                                 "when": rules.describe(t["when"], names)}) if "when" in t
                 else (_("otherwise %(amount)s") % {"amount": format_amount(to_fen(t["amount"]))}) for t in item["tiers"]]
        text = pgettext("list separator", "; ").join(tiers)
    else:
        text = _("a fixed %(amount)s") % {"amount": format_amount(to_fen(item["amount"]))}
    if "product" in item:
        text += _(", for each product such that %(condition)s") % {
            "condition": rules.describe({"product": item["product"]}, names)}
    if "product_cap" in item:
        text += _(", at most %(cap)s per product") % {"cap": format_amount(to_fen(item["product_cap"]))}
    if "cap" in item:
        text += _(", capped at %(cap)s") % {"cap": format_amount(to_fen(item["cap"]))}
    return text


def describe(benefits, cap=None, names=None):
    """Each item in words (label: clause), and the cap per enterprise and year if any."""
    lines = [_("%(label)s: %(clause)s") % {"label": item["label"], "clause": clause(item, names)}
             for item in benefits or ()]
    if cap is not None:
        lines.append(_("At most %(cap)s per enterprise and year over all items.") % {"cap": format_amount(cap)})
    return lines


# ---------------------------------------------------------------- the calculator

@dataclass
class ItemAmount:
    """One item for one enterprise: its clause, the inputs used, each step, and the amount in fen (None while
    the firm has not declared the base the item needs)."""

    label: str
    clause: str
    inputs: list = field(default_factory=list)  # [(what, shown)]
    steps: list = field(default_factory=list)
    amount: int | None = 0
    base: str = ""  # the base waited for, when amount is None

    @property
    def pending(self):
        return self.amount is None

    @property
    def text(self):
        """As the page prints it: 按研发投入20%计，500万元封顶：2400万元 × 20% = 480万元，…"""
        if self.pending:
            return _("%(clause)s: waiting for the enterprise to declare its %(base)s") % {
                "clause": self.clause, "base": BASES[self.base]}
        if not self.steps:
            return self.clause
        return _("%(clause)s: %(steps)s") % {"clause": self.clause, "steps": pgettext("list separator", ", ").join(self.steps)}

    def as_dict(self):
        return {"label": self.label, "clause": self.clause, "inputs": [{"what": str(w), "value": v}
                                                                          for w, v in self.inputs],
                "steps": list(self.steps), "amount": self.amount, "pending_base": self.base or None}


@dataclass
class Amount:
    """What an enterprise may get from one version's benefits: the items, their sum, the cap per enterprise
    and year, the total in fen; `pending` lists the bases still to be declared (the total then counts only
    the items that could be computed)."""

    items: list
    subtotal: int
    cap: int | None
    total: int
    steps: list

    @property
    def pending(self):
        return [i.base for i in self.items if i.pending]

    @property
    def complete(self):
        return not self.pending

    @property
    def total_shown(self):
        return _money(self.total)

    def as_dict(self):
        return {"total": self.total, "subtotal": self.subtotal, "cap": self.cap, "complete": self.complete,
                "pending_bases": self.pending, "steps": list(self.steps), "items": [i.as_dict() for i in self.items]}


def _money(fen):
    return format_amount(fen)


def _floor(value):
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def _products_meeting(condition, profile, today, period):
    return sum(1 for p in profile.get("products", ())
               if rules.evaluate({"product": condition}, {"products": [p]}, today, period) is True)


def item_amount(item, profile, inputs, today=None, period=None, names=None):
    """One item for one enterprise (see ItemAmount); inputs is {base: declared amount} (fen, or persons)."""
    result = ItemAmount(label=item["label"], clause=clause(item, names))
    per_product = None
    if "product" in item:
        per_product = _products_meeting(item["product"], profile, today, period)
        result.inputs.append((_("products meeting the condition"), str(per_product)))
        if not per_product:
            result.steps.append(_("no product meets the condition → %(zero)s") % {"zero": _money(0)})
            return result
    if "base" in item:
        base = item["base"]
        if inputs.get(base) is None:
            result.amount, result.base = None, base
            return result
        declared = inputs[base]
        if base == HEADCOUNT:
            each = to_fen(item["per_head"])
            value = declared * each
            result.inputs.append((BASES[base], str(declared)))
            result.steps.append(_("%(n)d × %(each)s = %(value)s") % {"n": declared, "each": _money(each),
                                                                     "value": _money(value)})
        else:
            value = _floor(Decimal(declared) * rate_of(item["rate"]))
            result.inputs.append((BASES[base], _money(declared)))
            result.steps.append(_("%(base)s × %(rate)s = %(value)s") % {"base": _money(declared), "rate": item["rate"],
                                                                        "value": _money(value)})
    else:
        value, step = _fixed(item, profile, today, period, names)
        result.steps += [step] if step else []
        if per_product is not None and value:
            each, value = value, value * per_product
            result.steps.append(_("%(each)s × %(n)d products = %(value)s") % {"each": _money(each), "n": per_product,
                                                                             "value": _money(value)})
    if "product_cap" in item:
        value = _cap(result, value, to_fen(item["product_cap"]) * per_product,
                     _("capped at %(each)s per product × %(n)d = %(cap)s") % {
                         "each": _money(to_fen(item["product_cap"])), "n": per_product,
                         "cap": _money(to_fen(item["product_cap"]) * per_product)})
    if "cap" in item:
        value = _cap(result, value, to_fen(item["cap"]), _("capped at %(cap)s") % {"cap": _money(to_fen(item["cap"]))})
    result.amount = value
    return result


def _fixed(item, profile, today, period, names):
    if "amount" in item:  # the clause says it all: no step to show
        return to_fen(item["amount"]), None
    for n, tier in enumerate(item["tiers"], 1):
        if "when" not in tier or rules.evaluate(tier["when"], profile, today, period) is True:
            value = to_fen(tier["amount"])
            return value, _("tier %(n)d applies → %(value)s") % {"n": n, "value": _money(value)}
    return 0, _("no tier applies → %(zero)s") % {"zero": _money(0)}


def _cap(result, value, cap, words):
    if value > cap:
        result.steps.append(_("%(words)s → %(value)s") % {"words": words, "value": _money(cap)})
        return cap
    return value


def calculate(benefits, profile, inputs=None, cap=None, today=None, period=None, names=None):
    """What the enterprise of `profile` may get (an Amount): each item, then the cap per enterprise and year.

    inputs: {base: amount declared} for the policy year (fen; persons for headcount). An item whose base is
    not declared is pending and counts nothing yet."""
    inputs = inputs or {}
    items = [item_amount(item, profile, inputs, today, period, names) for item in benefits or ()]
    subtotal = sum(i.amount for i in items if not i.pending)
    total, steps = subtotal, []
    if len(items) > 1:
        steps.append(_("sum of the items = %(value)s") % {"value": _money(subtotal)})
    if cap is not None and subtotal > cap:
        total = cap
        steps.append(_("capped at %(cap)s per enterprise and year → %(value)s") % {"cap": _money(cap),
                                                                                  "value": _money(total)})
    return Amount(items=items, subtotal=subtotal, cap=cap, total=total, steps=steps)
