"""The rule builder beside the JSON on the rule form: what its lists offer (fields, operators and values with
their labels in the reader's language) and a preview of a rule being written (how many enterprises qualify,
and a few of them). The builder only writes the same JSON a person may type; the form checks it as ever."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from chainserve.chains.models import Chain, Segment
from chainserve.core.models import Region, region_labels
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Label, Organization

from . import rules
from .profiles import compile_rule

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
