"""Forms of matching: a new version of an eligibility rule, checked as it is saved."""

import json

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from chainserve.core.forms import BootstrapForm
from chainserve.core.parsers import MAX_JSON_DEPTH, json_depth_exceeds

from . import rules

EXAMPLE = {"all": [{"field": "district", "op": "eq", "value": "420906"},
                   {"field": "labels", "op": "has", "value": "hitech"},
                   {"field": "founded_on", "op": "age_years_lt", "value": 10}]}


class RuleExpressionField(forms.CharField):
    """JSON text of a rule; cleaned to the rule itself, or an error naming the wrong part."""

    widget = forms.Textarea(attrs={"rows": 12, "class": "form-control font-monospace", "spellcheck": "false"})

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if json_depth_exceeds(text):  # the decoder recurses once per level: refuse before it runs out of stack
            raise forms.ValidationError(_("This JSON is nested deeper than %(n)d levels.") % {"n": MAX_JSON_DEPTH})
        try:
            data = json.loads(text)
        except ValueError as e:
            raise forms.ValidationError(_("This is not valid JSON: %(error)s") % {"error": e}) from None
        try:
            return rules.validate(data)
        except rules.RuleError as e:
            raise forms.ValidationError(str(e)) from None

    def prepare_value(self, value):
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value


def _codes(names):
    return format_html_join(pgettext("list separator", ", "), "<code>{}</code>", ((n,) for n in names))


def expression_help():
    """How to write the conditions, the JSON's keys and field names set as code (they are typed as they are)."""
    return format_html(
        "{} {}",
        format_html(gettext("JSON: {combinators} over comparisons {comparison}. Fields: {fields}."),
                    combinators=format_html_join(" / ", "<code>{}</code>", (("all",), ("any",), ("not",))),
                    comparison=format_html("<code>{}</code>", '{"field", "op", "value"}'), fields=_codes(rules.FIELDS)),
        format_html(gettext("Conditions that one and the same product meets: {product}, over the product fields "
                            "{fields}."),
                    product=format_html("<code>{}</code>", '{"product": {"all": […]}}'),
                    fields=_codes(rules.PRODUCT_FIELDS)))


class RuleVersionForm(BootstrapForm):
    expression = RuleExpressionField(label=_("Conditions"))
    effective_from = forms.DateField(label=_("Effective from"), required=False)
    effective_to = forms.DateField(label=_("Effective to"), required=False)
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # in the language of the request (a module-level % would fix the language at import)
        self.fields["expression"].help_text = expression_help()

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("A version cannot end before it takes effect."))
        return data
