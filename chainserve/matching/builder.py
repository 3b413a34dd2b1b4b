"""The rule builder beside the JSON on the rule form: what its lists offer (fields, operators and values with
their labels in the reader's language) and a preview of a rule being written (how many enterprises qualify,
and a few of them); the same for the benefits editor (its kinds, bases and units, and what a sample enterprise
would get). Both only write the same JSON a person may type; the form checks it as ever."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from chainserve.chains.models import Chain, Segment
from chainserve.core.models import Region, region_labels
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Label, Organization

from . import benefits as benefit_rules
from . import rules
from .choices import BaseKind
from .profiles import compile_rule, display_names, profile_of

EXAMPLES = 5  # enterprises the preview names

OPERATORS = {
    "eq": pgettext_lazy("rule builder", "is"), "ne": pgettext_lazy("rule builder", "is not"), "in": pgettext_lazy("rule builder", "is one of"),
    "not_in": pgettext_lazy("rule builder", "is none of"), "is_null": pgettext_lazy("rule builder", "is not filled in"),
    "not_null": pgettext_lazy("rule builder", "is filled in"), "lt": pgettext_lazy("rule builder", "less than"), "le": pgettext_lazy("rule builder", "at most"),
    "gt": pgettext_lazy("rule builder", "more than"), "ge": pgettext_lazy("rule builder", "at least"), "has": pgettext_lazy("rule builder", "includes"),
    "has_any": pgettext_lazy("rule builder", "includes one of"), "has_all": pgettext_lazy("rule builder", "includes all of"),
    "has_none": pgettext_lazy("rule builder", "includes none of"), "at_least": pgettext_lazy("rule builder", "at or later than"),
    "age_years_lt": pgettext_lazy("rule builder", "founded less than N years ago"),
    "age_years_ge": pgettext_lazy("rule builder", "founded at least N years ago"), "between": pgettext_lazy("rule builder", "from … to …"),
    "in_policy_year": pgettext_lazy("rule builder", "within the policy year"),
}
GROUPS = {"all": pgettext_lazy("rule builder", "all of"), "any": pgettext_lazy("rule builder", "any of"), "not": pgettext_lazy("rule builder", "not"),
          "product": pgettext_lazy("rule builder", "one product with"), "placement": pgettext_lazy("rule builder", "one chain placement with"),
          "agreement": pgettext_lazy("rule builder", "one agreement with")}

TEXTS = {
    "condition": pgettext_lazy("rule builder", "Add a condition"), "group": pgettext_lazy("rule builder", "Add a group"),
    "remove": pgettext_lazy("rule builder", "Remove"), "count": pgettext_lazy("rule builder", "Enterprises qualifying now: %(n)s"),
    "examples": pgettext_lazy("rule builder", "for example"), "value": pgettext_lazy("rule builder", "value"),
    "unreadable": pgettext_lazy("rule builder", "The builder cannot show these conditions; edit the JSON below."),
    "builder": pgettext_lazy("rule builder", "Rule builder"),
}


def _named_values():
    """Values whose names live in the database: regions (named with their path), labels, segments and chains, by code or name."""
    segments = sorted(set(Segment.objects.values_list("name", flat=True)))
    chains = sorted(set(Chain.objects.values_list("name", flat=True)))
    regions = list(Region.objects.order_by("path"))
    labels = region_labels(regions)
    return {"district": [(r.code, labels[r.pk]) for r in regions],
            "labels": list(Label.objects.order_by("name").values_list("slug", "name")),
            "segment": [(name, name) for name in segments], "chain": [(name, name) for name in chains]}


def _field(spec, named):
    if spec.name in named:
        choices = named[spec.name]
    else:
        choices = [(value, rules._display(spec, value, {})) for value in spec.choices]
    return {"name": spec.name, "label": str(spec.label), "kind": spec.kind, "ops": list(spec.ops),
            "choices": [[value, str(label)] for value, label in choices]}


def catalogue():
    """{fields: {"": enterprise fields, "product": …, "placement": …, "agreement": …}, ops, groups}: the lists
    of the builder, as JSON for the page (json_script)."""
    named = _named_values()
    fields = {"": [_field(spec, named) for spec in rules.FIELDS.values()]}
    for key, part in rules.PARTS.items():
        fields[key] = [_field(spec, named) for spec in part.fields.values()]
    return {"fields": fields, "ops": {op: str(label) for op, label in OPERATORS.items()},
            "groups": {key: str(label) for key, label in GROUPS.items()},
            "texts": {key: str(text) for key, text in TEXTS.items()}, "colon": _(": ")}


def preview(expression):
    """(count, first few names) of the enterprises for which the checked rule is true today (its policy year
    the calendar year, as for a version without both dates)."""
    qualifying = Organization.objects.filter(kind=OrgKind.ENTERPRISE).filter(compile_rule(expression))
    return qualifying.count(), list(qualifying.order_by("name").values_list("name", flat=True)[:EXAMPLES])


# ---------------------------------------------------------------- the benefits editor

BENEFIT_KINDS = {"amount": pgettext_lazy("benefits editor", "a fixed sum"),
                 "tiers": pgettext_lazy("benefits editor", "a sum by tier"),
                 "base": pgettext_lazy("benefits editor", "a share of a declared base")}
UNITS = {"wan": pgettext_lazy("benefits editor", "ten thousand yuan"), "yuan": pgettext_lazy("benefits editor", "yuan")}
BENEFIT_TEXTS = {
    "editor": pgettext_lazy("benefits editor", "Benefits editor"),
    "item": pgettext_lazy("benefits editor", "Item %(n)s"),
    "add_item": pgettext_lazy("benefits editor", "Add an item"),
    "remove_item": pgettext_lazy("benefits editor", "Remove this item"),
    "label": pgettext_lazy("benefits editor", "Name of the item"),
    "kind": pgettext_lazy("benefits editor", "What is paid"),
    "amount": pgettext_lazy("benefits editor", "Amount"),
    "base": pgettext_lazy("benefits editor", "Base"),
    "rate": pgettext_lazy("benefits editor", "Share of the base"),
    "per_head": pgettext_lazy("benefits editor", "Amount per new employee"),
    "cap": pgettext_lazy("benefits editor", "At most, for this item"),
    "no_cap": pgettext_lazy("benefits editor", "no cap"),
    "tier": pgettext_lazy("benefits editor", "Tier %(n)s"),
    "add_tier": pgettext_lazy("benefits editor", "Add a tier"),
    "otherwise": pgettext_lazy("benefits editor", "Otherwise (no condition; last tier only)"),
    "when": pgettext_lazy("benefits editor", "when"),
    "per_product": pgettext_lazy("benefits editor", "Paid per product meeting a condition"),
    "product_cap": pgettext_lazy("benefits editor", "At most, per product"),
    "number": pgettext_lazy("benefits editor", "Write a number, e.g. 500 or 0.5, with at most two decimals in yuan."),
    "percent": pgettext_lazy("benefits editor", "Write a share above 0 and at most 100, e.g. 20 or 2.5."),
    "preview": pgettext_lazy("benefits editor", "What a sample enterprise would get"),
    "sample": pgettext_lazy("benefits editor", "Sample enterprise"),
    "no_sample": pgettext_lazy("benefits editor", "none (tier and product conditions count as not met)"),
    "declared": pgettext_lazy("benefits editor", "What it declares"),
    "total": pgettext_lazy("benefits editor", "In all"),
    "pending": pgettext_lazy("benefits editor", "Fill in the declared bases above to see the whole amount."),
    "empty": pgettext_lazy("benefits editor", "No benefit items: the policy pays nothing the calculator can show."),
    "unreadable": pgettext_lazy("benefits editor", "The editor cannot show these benefits; edit the JSON below."),
    "persons": pgettext_lazy("benefits editor", "persons"),
}
SAMPLE_INPUT_WAN = "1000"  # what the preview's sample firm declares for each base at first (万元); headcount below
SAMPLE_HEADCOUNT = 20


def benefits_catalogue():
    """The lists and words of the benefits editor, as JSON for the page (json_script); amounts are shown in 万元
    or 元 as typed and written to the JSON in 万元 (benefits.to_fen: exact to the fen)."""
    return {"kinds": {key: str(label) for key, label in BENEFIT_KINDS.items()},
            "bases": [[kind.value, str(kind.label)] for kind in BaseKind], "headcount": benefit_rules.HEADCOUNT,
            "units": {key: str(label) for key, label in UNITS.items()},
            "texts": {key: str(text) for key, text in BENEFIT_TEXTS.items()},
            "sample": {"amount": SAMPLE_INPUT_WAN, "headcount": SAMPLE_HEADCOUNT},
            "max_items": benefit_rules.MAX_ITEMS, "max_tiers": benefit_rules.MAX_TIERS, "colon": _(": ")}


def _sample_inputs(inputs):
    """{base: fen, or persons for headcount} from what the preview's form holds ({base: 万元 as text, or persons});
    BenefitError naming the wrong one."""
    if not isinstance(inputs, dict):
        raise benefit_rules.BenefitError("inputs", _("The declared bases are an object {base: amount}."))
    found = {}
    for base, value in inputs.items():
        if base not in benefit_rules.BASES:
            raise benefit_rules.BenefitError(f"inputs.{base}", _("Unknown base."))
        if value in (None, ""):
            continue
        if base == benefit_rules.HEADCOUNT:
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= benefit_rules.MAX_HEADCOUNT:
                raise benefit_rules.BenefitError(f"inputs.{base}", _("A number of persons from 0 to %(n)d.")
                                                 % {"n": benefit_rules.MAX_HEADCOUNT})
            found[base] = value
        else:
            found[base] = benefit_rules.to_fen(value, f"inputs.{base}")
    return found


def benefits_preview(user, items, cap=None, inputs=None, expression=None, enterprise=None):
    """What a sample enterprise would get from benefits being written: {"amount": Amount.as_dict() with the
    texts, "lines", "enterprise": [pk, name] or None, "enterprises": the first few qualifying under expression
    (a valid rule) that user may see}. The sample is `enterprise` (a pk among those) or the first of them; with
    none, an empty profile. Raises BenefitError (a RuleError) naming the wrong part."""
    benefit_rules.validate(items)
    cap_fen = None if cap in (None, "") else benefit_rules.typed_to_fen(cap, "benefit_cap")
    declared = _sample_inputs(inputs or {})
    firms = Organization.objects.restrict(user, "view").filter(kind=OrgKind.ENTERPRISE)
    try:
        firms = firms.filter(compile_rule(rules.validate(expression))) if expression is not None else firms.none()
    except rules.RuleError:
        firms = firms.none()  # the conditions are the rule builder's to report; the sample waits for them
    examples = list(firms.order_by("name").values_list("pk", "name")[:EXAMPLES])
    sample = next((e for e in examples if e[0] == enterprise), examples[0] if examples else None)
    profile = profile_of(Organization.objects.get(pk=sample[0])) if sample else {}
    names = display_names()
    amount = benefit_rules.calculate(items, profile, declared, cap_fen, timezone.localdate(), names=names)
    result = amount.as_dict()
    result["total_shown"] = amount.total_shown
    result["total_yuan"] = yuan_exact(amount.total)
    for shown, item in zip(result["items"], amount.items, strict=True):
        shown["text"] = item.text
    return {"amount": result, "lines": benefit_rules.describe(items, cap_fen, names),
            "enterprise": list(sample) if sample else None, "enterprises": [list(e) for e in examples]}


def yuan_exact(fen):
    """Fen as 元 to the fen, grouped: 4800000000 → "48,000,000.00"."""
    return f"{fen // 100:,}.{fen % 100:02d}"
