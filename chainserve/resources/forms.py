"""Forms of the catalogue: one per kind of item, tags typed as names, the owner limited to what the user keeps."""

import re
from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from chainserve.core.forms import ScopedModelForm
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from .models import Achievement, Equipment, Expert, FinancialProduct, Policy, Space, TalentProgramme

TAG_SEPARATORS = re.compile(r"[,,、;;\s]+")
# Which kinds of organisation keep each kind of item.
INSTITUTES = [OrgKind.UNIVERSITY, OrgKind.HOSPITAL, OrgKind.PARK, OrgKind.ASSOCIATION]
OWNER_KINDS = {
    Policy: [OrgKind.DEPARTMENT],
    FinancialProduct: [OrgKind.FINANCIAL, OrgKind.FUND],
    Space: [OrgKind.PARK],
    Equipment: INSTITUTES,
    Expert: INSTITUTES,
    TalentProgramme: [OrgKind.DEPARTMENT],
    Achievement: INSTITUTES,
}


def split_tags(text):
    """Tag names typed in one box, separated by commas (either width), 、, ; or spaces; repeats dropped."""
    return list(dict.fromkeys(t for t in TAG_SEPARATORS.split(text or "") if t))


def owner_choices(model, user):
    """The organisations user may keep items of model for: any of the right kind for editors, else their own."""
    qs = Organization.objects.filter(kind__in=OWNER_KINDS[model]).order_by("kind", "name")
    return qs if user.is_editor else qs.filter(pk=user.organization_id)


class CatalogueForm(ScopedModelForm):
    tag_names = forms.CharField(label=_("Tags"), required=False, max_length=400,
                                help_text=_("Separated by commas or 、, e.g. 融资、研发."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        owner = self.fields[model.owner_field]
        owner.queryset = owner_choices(model, self.user)
        if self.instance.pk:
            self.initial["tag_names"] = "、".join(self.instance.tag_names())
        elif not self.user.is_editor:
            self.initial[model.owner_field] = self.user.organization_id

    def clean_tag_names(self):
        names = split_tags(self.cleaned_data.get("tag_names"))
        if any(len(n) > 40 for n in names):
            raise forms.ValidationError(_("A tag has at most 40 characters."))
        return names


TEXTAREA = forms.Textarea(attrs={"rows": 3})
URL_FIELDS = {"url": partial(forms.URLField, assume_scheme="https")}


def catalogue_form(model, fields, textareas=(), dates=()):
    """The edit form of one kind of item."""
    widgets = {name: TEXTAREA for name in ("description", *textareas)}
    widgets.update({name: forms.DateInput() for name in dates})
    meta = type("Meta", (), {"model": model, "fields": fields, "widgets": widgets, "field_classes": URL_FIELDS})
    return type(f"{model.__name__}Form", (CatalogueForm,), {"Meta": meta})


PolicyForm = catalogue_form(
    Policy, ["title", "issuer", "level", "document_number", "effective_from", "effective_to", "description",
             "benefit", "application_guide", "granted_without_application", "apply_until", "url"],
    textareas=("benefit", "application_guide"), dates=("effective_from", "effective_to", "apply_until"))
FinancialProductForm = catalogue_form(
    FinancialProduct, ["title", "institution", "kind", "amount_min", "amount_max", "term", "rate", "description",
                       "benefit"], textareas=("benefit",))
SpaceForm = catalogue_form(
    Space, ["title", "park", "kind", "address", "area_m2", "rent", "available_from", "description"],
    dates=("available_from",))
EquipmentForm = catalogue_form(
    Equipment, ["title", "owner", "kind", "location", "description", "booking_terms"], textareas=("booking_terms",))
ExpertForm = catalogue_form(Expert, ["title", "organization", "position", "expertise", "description"])
TalentProgrammeForm = catalogue_form(
    TalentProgramme, ["title", "issuer", "apply_until", "description", "benefit"], textareas=("benefit",),
    dates=("apply_until",))
AchievementForm = catalogue_form(
    Achievement, ["title", "owner", "technical_field", "transfer_mode", "patents", "maturity", "description"])
