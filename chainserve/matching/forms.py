"""Forms of matching: a new version of an eligibility rule with its benefits, checked as it is saved; the bases
an enterprise declares for a match's benefits."""

import json
from decimal import Decimal

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from chainserve.core.forms import BootstrapForm
from chainserve.core.money import FEN_PER_WAN
from chainserve.core.parsers import MAX_JSON_DEPTH, json_depth_exceeds

from . import benefits as benefit_rules
from . import rules
from .choices import BaseKind

BENEFITS_EXAMPLE = [
    {"label": "研发费用补助", "base": "rd_cost", "rate": "20%", "cap": "500"},
    {"label": "专精特新奖励", "tiers": [{"when": {"field": "labels", "op": "has", "value": "little-giant"},
                                   "amount": "50"}, {"amount": "20"}]},
]
EXAMPLE = {"all": [{"field": "district", "op": "eq", "value": "420906"},
                   {"field": "labels", "op": "has", "value": "hitech"},
                   {"field": "founded_on", "op": "age_years_lt", "value": 10}]}


class RuleExpressionField(forms.CharField):
    """JSON text of a rule; cleaned to the rule itself, or an error naming the wrong part."""

    widget = forms.Textarea(attrs={"rows": 12, "class": "form-control font-monospace", "spellcheck": "false"})
    validator = staticmethod(rules.validate)
    empty = None

    def prepare_value(self, value):
        """The stored JSON shown as JSON (not as Python's repr, which would not parse when saved again)."""
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return self.empty
        if json_depth_exceeds(text):  # the decoder recurses once per level: refuse before it runs out of stack
            raise forms.ValidationError(_("This JSON is nested deeper than %(n)d levels.") % {"n": MAX_JSON_DEPTH})
        try:
            data = json.loads(text)
        except ValueError as e:
            raise forms.ValidationError(_("This is not valid JSON: %(error)s") % {"error": e}) from None
        try:
            return self.validator(data)
        except rules.RuleError as e:
            raise forms.ValidationError(str(e)) from None


class BenefitsField(RuleExpressionField):
    """JSON text of a version's benefits (matching.benefits); empty is no benefits."""

    widget = forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace", "spellcheck": "false"})
    validator = staticmethod(benefit_rules.validate)
    empty = []


def _codes(names):
    return format_html_join(pgettext("list separator", ", "), "<code>{}</code>", ((n,) for n in names))


def expression_help():
    """How to write the conditions, the JSON's keys and field names set as code (they are typed as they are)."""
    return format_html(
        "{} {} {}",
        format_html(gettext("JSON: {combinators} over comparisons {comparison}. Fields: {fields}."),
                    combinators=format_html_join(" / ", "<code>{}</code>", (("all",), ("any",), ("not",))),
                    comparison=format_html("<code>{}</code>", '{"field", "op", "value"}'), fields=_codes(rules.FIELDS)),
        format_html(gettext("Conditions that one and the same product meets: {product}, over the product fields "
                            "{fields}."),
                    product=format_html("<code>{}</code>", '{"product": {"all": […]}}'),
                    fields=_codes(rules.PRODUCT_FIELDS)),
        format_html(gettext("Likewise {placement} over {fields} and {agreement} over {agreement_fields}."),
                    placement=format_html("<code>{}</code>", '{"placement": …}'), fields=_codes(rules.PLACEMENT_FIELDS),
                    agreement=format_html("<code>{}</code>", '{"agreement": …}'),
                    agreement_fields=_codes(rules.AGREEMENT_FIELDS)))


class RuleVersionForm(BootstrapForm):
    expression = RuleExpressionField(label=_("Conditions"))
    benefits = BenefitsField(label=_("Benefits"), required=False, help_text=_(
        "JSON: a list of items, each with a label and an amount, tiers, or a base with a rate; amounts in 万元 "
        "as text. See the examples beside the form. Benefits do not change who qualifies."))
    benefit_cap = forms.CharField(label=_("Cap per enterprise and year (万元)"), required=False, max_length=40,
                                  help_text=_("In 万元, or in 元 written with 元: 300, 300万元 or 3,000,000元."))
    effective_from = forms.DateField(label=_("Effective from"), required=False)
    effective_to = forms.DateField(label=_("Effective to"), required=False)
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # in the language of the request (a module-level % would fix the language at import)
        self.fields["expression"].help_text = expression_help()

    def clean_benefit_cap(self):
        """The cap as typed (benefits.typed_to_fen) in fen; None when empty."""
        cap = self.cleaned_data.get("benefit_cap", "").strip()
        try:
            return benefit_rules.typed_to_fen(cap, "benefit_cap") if cap else None
        except benefit_rules.BenefitError as e:
            raise forms.ValidationError(e.message) from None

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("A version cannot end before it takes effect."))
        return data


class DeclareForm(forms.Form):
    """The bases a match's benefits need, one field each: amounts in 万元, new employees in persons."""

    def __init__(self, needed, *args, initial_amounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_amounts = initial_amounts or {}
        for kind in needed:
            label = BaseKind(kind).label
            if kind == benefit_rules.HEADCOUNT:
                field = forms.IntegerField(label=label, min_value=0, max_value=benefit_rules.MAX_HEADCOUNT, required=False,
                                           initial=initial_amounts.get(kind))
            else:
                known = initial_amounts.get(kind)
                field = forms.DecimalField(label=gettext("%(base)s (万元)") % {"base": label}, min_value=0,
                                           max_value=benefit_rules.MAX_WAN, decimal_places=6, max_digits=14,
                                           required=False,
                                           initial=None if known is None else Decimal(known) / FEN_PER_WAN)
            field.widget.attrs["class"] = "form-control form-control-sm"
            self.fields[kind] = field

    def amounts(self):
        """{base: amount} of the fields filled in: fen, persons for headcount."""
        return {kind: value if kind == benefit_rules.HEADCOUNT else int(value * FEN_PER_WAN)
                for kind, value in self.cleaned_data.items() if value is not None}
