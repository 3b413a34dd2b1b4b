"""Forms of the registry, with the USCC and phone checked at the field."""

import re
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from chainserve.core.forms import BootstrapForm, ScopedModelForm
from chainserve.core.uploads import check_workbook_upload

from .choices import Expedited, OrgKind
from .models import Organization, Person, Product, Relationship
from .validators import clean_phone, clean_uscc

_PK_SUFFIX = re.compile(r"#(\d+)\s*$")


class OrganizationField(forms.ModelChoiceField):
    """Pick one of a million organisations by typing: 'name #id' from the suggestions, a USCC or an exact name."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(queryset=Organization.objects.all(), **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return f"{value.name} #{value.pk}"
        if value and str(value).isdigit():
            org = self.queryset.filter(pk=value).first()
            return f"{org.name} #{org.pk}" if org else value
        return value

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        if match := _PK_SUFFIX.search(value):
            found = self.queryset.filter(pk=int(match.group(1)))
        elif value.isdigit():
            found = self.queryset.filter(pk=int(value))
        else:
            found = self.queryset.filter(uscc=value.upper()) or self.queryset.filter(name=value)
        found = list(found[:2])
        if len(found) != 1:
            raise ValidationError(
                _("No single organisation is called %(v)s: pick one from the suggestions.") % {"v": value},
                code="invalid_choice",
            )
        return found[0]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({
            "list": "org-suggestions", "autocomplete": "off",
            "hx-get": reverse_lazy("registry:suggest"), "hx-trigger": "input changed delay:250ms",
            "hx-target": "#org-suggestions", "hx-swap": "innerHTML",
        })
        return attrs


class OrganizationForm(ScopedModelForm):
    # Longer than 18 so that a code typed with spaces or dashes reaches clean_uscc and is tidied there.
    uscc = forms.CharField(label=Organization._meta.get_field("uscc").verbose_name, max_length=40, required=False,
                           help_text=Organization._meta.get_field("uscc").help_text)

    class Meta:
        model = Organization
        fields = [
            "name", "short_name", "kind", "uscc", "district", "park", "founded_on", "size", "employees",
            "listing_status", "labels", "address", "website", "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "founded_on": forms.DateInput()}
        field_classes = {"website": partial(forms.URLField, assume_scheme="https")}

    def clean_uscc(self):
        value = self.cleaned_data.get("uscc")
        return clean_uscc(value) if value else None

    def clean(self):
        data = super().clean()
        if data.get("kind") == OrgKind.ENTERPRISE and not data.get("uscc") and "uscc" not in self.errors:
            self.add_error("uscc", _("An enterprise needs its unified social credit code."))
        return data


class PersonForm(ScopedModelForm):
    organization = OrganizationField(label=_("organisation"))

    class Meta:
        model = Person
        fields = ["name", "organization", "title", "phone", "email"]

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone"))


class RelationshipForm(ScopedModelForm):
    source = OrganizationField(label=_("from organisation"))
    target = OrganizationField(label=_("to organisation"))

    class Meta:
        model = Relationship
        fields = ["source", "kind", "target", "started_on", "ended_on", "note"]
        widgets = {"started_on": forms.DateInput(), "ended_on": forms.DateInput()}


class ProductForm(ScopedModelForm):
    expedited = forms.MultipleChoiceField(
        label=_("expedited programmes"), choices=Expedited.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Product
        fields = ["name", "kind", "indication", "drug_class", "phase", "expedited", "approved_on"]
        widgets = {"approved_on": forms.DateInput()}


class ImportForm(BootstrapForm):
    KINDS = [("organizations", _("Organisations")), ("people", _("People"))]
    kind = forms.ChoiceField(label=_("What the workbook holds"), choices=KINDS)
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))

    # The command that imports a file too large for a request (the kind field comes first, so it is known).
    command = "chainserve import {kind} FILE.xlsx"

    def clean_file(self):
        kind = self.cleaned_data.get("kind")
        return check_workbook_upload(self.cleaned_data["file"], self.command.format(kind=kind) if kind else None)
