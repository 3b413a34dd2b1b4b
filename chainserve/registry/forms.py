"""Forms of the registry, with the USCC and phone checked at the field."""

import re
from functools import partial
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chainserve.core.forms import BootstrapForm, ScopedModelForm, bootstrap, region_field

from .choices import Expedited, OrgKind
from .models import Organization, Person, Product, Relationship
from .validators import clean_phone, clean_uscc


class OrganizationPicker(forms.TextInput):
    """A combobox for one organisation: the name is typed and shown, the chosen record's id travels in a
    hidden input. core/behaviours.js lists the suggestions (name, USCC, district) under the box and lets the
    keyboard move through them; without a choice the typed text is sent (an exact name or a USCC). kinds
    narrows the suggestions to those kinds of organisation (OrgKind values)."""

    template_name = "core/widgets/org_picker.html"

    def __init__(self, attrs=None, kinds=()):
        super().__init__(attrs)
        self.kinds = tuple(kinds)

    def value_from_datadict(self, data, files, name):
        return data.get(name) or data.get(f"{name}_text", "")

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_text" not in data

    def suggest_url(self):
        query = urlencode([("kind", k) for k in self.kinds])
        return reverse("registry:suggest") + (f"?{query}" if query else "")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        org = value if isinstance(value, Organization) else None
        if org is None and value and str(value).isdigit():
            org = Organization.objects.filter(pk=value).only("name").first()
        context["widget"].update(
            pk=org.pk if org else "", text=org.name if org else (value or ""), suggest_url=self.suggest_url(),
        )
        return context


class OrganizationsPicker(OrganizationPicker):
    """The picker for several organisations: each one chosen becomes a chip (its id in a hidden input of the
    field's name, a button to take it off); without JavaScript, names or credit codes are typed in the box,
    separated by 、 or commas."""

    template_name = "core/widgets/orgs_picker.html"

    def value_from_datadict(self, data, files, name):
        typed = [t.strip() for t in SEPARATORS.split(data.get(f"{name}_text", ""))]
        getlist = getattr(data, "getlist", lambda key: data.get(key) or [])
        return [*getlist(name), *(t for t in typed if t)]

    def get_context(self, name, value, attrs):
        context = forms.TextInput.get_context(self, name, "", attrs)
        chosen = [v for v in value or [] if isinstance(v, Organization)]
        ids = [int(v) for v in value or [] if not isinstance(v, Organization) and str(v).isdigit()]
        chosen += list(Organization.objects.filter(pk__in=ids).only("name"))
        typed = [str(v) for v in value or [] if not isinstance(v, Organization) and not str(v).isdigit()]
        context["widget"].update(chosen=chosen, text="、".join(typed), suggest_url=self.suggest_url())
        return context


SEPARATORS = re.compile(r"[、,，;；\n]")


def find_organization(queryset, value):
    """The one organisation of queryset that value names: its id, its credit code or its exact name."""
    value = value.strip() if isinstance(value, str) else value
    if isinstance(value, int) or value.isdigit():
        found = queryset.filter(pk=int(value))
    else:
        found = queryset.filter(uscc=value.upper()) or queryset.filter(name=value)
    found = list(found[:2])
    if len(found) != 1:
        raise ValidationError(
            _("No single organisation is called %(v)s: pick one from the suggestions.") % {"v": value},
            code="invalid_choice",
        )
    return found[0]


class OrganizationField(forms.ModelChoiceField):
    """Pick one of a million organisations by typing: a choice from the suggestions, a USCC or an exact name
    (of queryset, every organisation by default; kinds narrows the suggestions alike)."""

    widget = OrganizationPicker

    def __init__(self, queryset=None, kinds=(), **kwargs):
        super().__init__(queryset=Organization.objects.all() if queryset is None else queryset, **kwargs)
        self.widget.kinds = tuple(kinds)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        return find_organization(self.queryset, value) if value else None

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["placeholder"] = _("Type a name, pinyin initials or a credit code")
        return attrs


class OrganizationsField(OrganizationField):
    """Pick several organisations by typing (OrganizationsPicker): a list of the organisations chosen."""

    widget = OrganizationsPicker

    def clean(self, value):
        if not value and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        chosen, errors = {}, []
        for v in value or []:
            try:
                org = find_organization(self.queryset, v)
            except ValidationError as e:
                errors.extend(e.messages)
            else:
                chosen[org.pk] = org
        if errors:
            raise ValidationError(errors)
        return list(chosen.values())

    def has_changed(self, initial, data):
        return bool(data)


class PhoneField(forms.CharField):
    """A phone number, checked and kept in E.164 form by clean_phone (mainland mobile or landline)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)  # typed with spaces and dashes; kept shorter (E.164: 16 at most)
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_phone(super().clean(value))

    def widget_attrs(self, widget):
        return super().widget_attrs(widget) | {"inputmode": "tel", "autocomplete": "tel"}


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region_field(self, "district")

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
    phone = PhoneField(label=Person._meta.get_field("phone").verbose_name, required=False)

    class Meta:
        model = Person
        fields = ["name", "organization", "title", "phone", "email"]


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
        fields = ["name", "kind", "indication", "drug_class", "phase", "expedited", "approval_type", "approved_on"]
        widgets = {"approved_on": forms.DateInput()}

    def clean(self):
        data = super().clean()
        if "approval_type" in data:  # in cleaned_data too, for those who save from it (the workbook's sheet)
            data["approval_type"] = data["approval_type"] or Product.implied_approval_type(
                data.get("phase") or "", data.get("approved_on"))
        return data


class CorrectionRequestForm(forms.Form):
    """What the enterprise asks to change in one field of its file: the new value (read by the organisation
    form's own field, so it is checked as the office's edit would be) and why."""

    def __init__(self, *args, proposal_field, **kwargs):
        super().__init__(*args, **kwargs)
        proposal_field.label, proposal_field.help_text = _("Proposed value"), ""
        self.fields = {"proposed_value": proposal_field, "reason": forms.CharField(
            label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Why the file should change, and where the office can check it (a licence, a report)."))}
        bootstrap(self)


class RefusalForm(BootstrapForm):
    refusal_reason = forms.CharField(label=_("Reason for refusing"), required=False,  # the service says so
                                     widget=forms.Textarea(attrs={"rows": 2}))
