"""State changes of the registry: the Excel importers of organisations and people (core.importing), products."""

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chainserve.core.importing import Importer, RowError, choice_lookup
from chainserve.core.models import can_create
from chainserve.core.services import profile_changed

from .choices import ListingStatus, OrgKind, OrgSize
from .models import District, Label, Organization, Person
from .validators import clean_phone, clean_uscc

# Header aliases accepted in a workbook's first row (Chinese as staff write them, or the API's field names).
ORG_HEADERS = {
    "name": ["名称", "企业名称", "单位名称", "name"],
    "short_name": ["简称", "short_name"],
    "kind": ["类型", "主体类型", "kind"],
    "uscc": ["统一社会信用代码", "信用代码", "uscc"],
    "district": ["所在区", "区", "district"],
    "park": ["园区", "所在园区", "park"],
    "founded_on": ["成立日期", "founded_on"],
    "size": ["规模", "企业规模", "size"],
    "employees": ["员工人数", "从业人员", "employees"],
    "listing_status": ["上市状态", "listing_status"],
    "labels": ["标签", "labels"],
    "address": ["地址", "address"],
}
PERSON_HEADERS = {
    "name": ["姓名", "name"],
    "organization": ["单位", "所在单位", "organization"],
    "title": ["职务", "title"],
    "phone": ["电话", "手机", "phone"],
    "email": ["邮箱", "电子邮箱", "email"],
}


class OrganizationRowForm(forms.Form):
    name = forms.CharField(max_length=200)
    short_name = forms.CharField(max_length=60, required=False)
    kind = forms.CharField(required=False)
    uscc = forms.CharField(required=False)
    district = forms.CharField(required=False)
    park = forms.CharField(required=False)
    founded_on = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"])
    size = forms.CharField(required=False)
    employees = forms.IntegerField(required=False, min_value=0, max_value=10_000_000)
    listing_status = forms.CharField(required=False)
    labels = forms.CharField(required=False)
    address = forms.CharField(max_length=200, required=False)

    CHOICES = {"kind": OrgKind.choices, "size": OrgSize.choices, "listing_status": ListingStatus.choices}

    def __init__(self, data, refs):
        super().__init__(data)
        self.refs = refs

    @staticmethod
    @functools.cache
    def _lookup(name):
        # Built on first use, not at import: labels are translated, and translations need the app registry.
        return choice_lookup(OrganizationRowForm.CHOICES[name])

    def _choice(self, name, default=""):
        value = (self.cleaned_data.get(name) or "").strip().lower()
        if not value:
            return default
        table = self._lookup(name)
        if value not in table:
            raise ValidationError(_("'%(v)s' is not a known value.") % {"v": value})
        return table[value]

    def clean_kind(self):
        return self._choice("kind", OrgKind.ENTERPRISE)

    def clean_size(self):
        return self._choice("size")

    def clean_listing_status(self):
        return self._choice("listing_status", ListingStatus.NONE)

    def clean_uscc(self):
        value = (self.cleaned_data.get("uscc") or "").strip()
        return clean_uscc(value) if value else None

    def clean_district(self):
        name = (self.cleaned_data.get("district") or "").strip()
        if name and name not in self.refs["districts"]:
            raise ValidationError(_("There is no district called %(v)s.") % {"v": name})
        return self.refs["districts"].get(name)

    def clean_park(self):
        name = (self.cleaned_data.get("park") or "").strip()
        if name and name not in self.refs["parks"]:
            raise ValidationError(_("There is no park called %(v)s.") % {"v": name})
        return self.refs["parks"].get(name)

    def clean_labels(self):
        raw = (self.cleaned_data.get("labels") or "").replace("、", ",").replace(",", ",").replace(";", ",")
        names = [n.strip() for n in raw.split(",") if n.strip()]
        unknown = [n for n in names if n not in self.refs["labels"]]
        if unknown:
            raise ValidationError(_("Unknown labels: %(v)s.") % {"v": "、".join(unknown)})
        return [self.refs["labels"][n] for n in names]

    def clean(self):
        data = super().clean()
        if data.get("kind") == OrgKind.ENTERPRISE and not data.get("uscc") and "uscc" not in self.errors:
            self.add_error("uscc", _("An enterprise needs its unified social credit code."))
        # The cells the row fills in: an update changes only these (a blank kind is not "enterprise").
        data["given"] = {name for name in self.fields if str(self.data.get(name) or "").strip()}
        return data


class PersonRowForm(forms.Form):
    name = forms.CharField(max_length=60)
    organization = forms.CharField()
    title = forms.CharField(max_length=80, required=False)
    phone = forms.CharField(required=False)
    email = forms.EmailField(required=False)

    def __init__(self, data, refs):
        super().__init__(data)
        self.refs = refs

    def clean_phone(self):
        return clean_phone(str(self.cleaned_data.get("phone") or "").strip())

    def clean_organization(self):
        key = self.cleaned_data["organization"].strip()
        org_id = self.refs["orgs"].get(key.upper()) or self.refs["orgs"].get(key)
        if org_id is None:
            raise ValidationError(_("No organisation has the name or credit code %(v)s.") % {"v": key})
        return org_id


ORG_FIELDS = ["name", "short_name", "kind", "uscc", "district", "park", "founded_on", "size", "employees",
              "listing_status", "address"]


class OrganizationImporter(Importer):
    """Organisations: new ones are created, those whose USCC is known are updated (only the cells given)."""

    kind = "organizations"
    label = gettext_lazy("organisations")
    columns = ORG_HEADERS
    row_form = OrganizationRowForm
    command = "chainserve import organizations FILE.xlsx"
    success_url = "registry:organizations"
    batch_size = 2000

    @classmethod
    def allowed(cls, user):
        return can_create(Organization, user)

    def refs(self, rows):
        labels = list(Label.objects.all())
        return {
            "districts": {d.name: d for d in District.objects.all()},
            "parks": {o.name: o for o in Organization.objects.filter(kind=OrgKind.PARK)},
            "labels": {lab.name: lab for lab in labels} | {lab.slug: lab for lab in labels},
        }

    def key(self, data):
        return data.get("uscc") or None

    def check(self, rows, result):
        _refuse_outside_scope(self.user, rows, "uscc", "uscc", result,
                              _("%(v)s is an organisation you may not change (it is kept by another chain office)."))

    def write(self, rows, result):
        existing = {}
        usccs = [d["uscc"] for d in rows if d.get("uscc")]
        for i in range(0, len(usccs), 5000):
            existing.update(Organization.objects.filter(uscc__in=usccs[i:i + 5000]).in_bulk(field_name="uscc"))
        new, changed, labels = [], [], []
        for data in rows:
            org = existing.get(data.get("uscc"))
            if org is None:
                org = Organization(**{f: data[f] for f in ORG_FIELDS if data.get(f) not in ("", None)})
                new.append(org)
            else:
                for name in ORG_FIELDS:
                    if name in data["given"]:
                        setattr(org, name, data[name])
                changed.append(org)
            org.refresh_search_text()
            labels.append((org, data["labels"]))
        bulk_create_with_history(new, Organization, batch_size=self.batch_size, default_user=self.user)
        if changed:
            bulk_update_with_history(changed, Organization, ORG_FIELDS + ["search_text"],
                                     batch_size=self.batch_size, default_user=self.user)
        _set_labels(labels)
        result.created, result.updated = len(new), len(changed)
        result.touched.update(org.pk for org in new + changed)


def import_organizations(file, user, *, commit=True, progress=None, limits=None):
    """Validate every row; if all are good (and commit), create new organisations and update those
    whose USCC is known. Nothing is written when any row is bad."""
    return OrganizationImporter(user).run(file, commit=commit, progress=progress, limits=limits)


def _refuse_outside_scope(user, rows, key, field, result, message):
    """A row that would change an existing organisation the user may not change (Organization.scope) is a bad
    row, as on the pages: the workbook is no way round the scope. rows[key] is the organisation's `field`.
    Without a user (the operator at the command line) every row may go in."""
    if user is None:
        return
    values = list({data[key] for data in rows if data.get(key)})
    known, allowed = set(), set()
    editable = Organization.objects.restrict(user, "change")
    for i in range(0, len(values), 5000):
        chunk = {f"{field}__in": values[i:i + 5000]}
        known.update(Organization.objects.filter(**chunk).values_list(field, flat=True))
        allowed.update(editable.filter(**chunk).values_list(field, flat=True))
    result.errors.extend(RowError(data["row"], [message % {"v": data[key]}]) for data in rows
                         if data.get(key) in known and data[key] not in allowed)


def _set_labels(pairs):
    through = Organization.labels.through
    orgs_with_labels = [(org, labs) for org, labs in pairs if labs]
    if not orgs_with_labels:
        return
    # new objects from bulk_create have pk on PostgreSQL and SQLite ≥ 3.35 (RETURNING)
    through.objects.filter(organization_id__in=[o.pk for o, _ in orgs_with_labels]).delete()
    through.objects.bulk_create(
        [through(organization_id=o.pk, label_id=lab.pk) for o, labs in orgs_with_labels for lab in labs],
        batch_size=5000,
    )


class PersonImporter(Importer):
    """People: created, or updated when one of the same name is at the same organisation."""

    kind = "people"
    label = gettext_lazy("people")
    columns = PERSON_HEADERS
    row_form = PersonRowForm
    command = "chainserve import people FILE.xlsx"
    success_url = "registry:people"
    allowed = OrganizationImporter.allowed

    def refs(self, rows):
        orgs = {}
        for pk, name, uscc in Organization.objects.values_list("pk", "name", "uscc").iterator(chunk_size=5000):
            orgs[name] = pk
            if uscc:
                orgs[uscc] = pk
        return {"orgs": orgs}

    def key(self, data):
        return data["organization"], data["name"]

    def check(self, rows, result):
        _refuse_outside_scope(self.user, rows, "organization", "pk", result, _(
            "You may not change the people of this organisation (it is kept by another chain office)."))

    def write(self, rows, result):
        existing = {}
        for p in Person.objects.filter(organization_id__in={d["organization"] for d in rows},
                                       name__in={d["name"] for d in rows}):
            existing.setdefault((p.organization_id, p.name), p)
        for data in rows:
            person = existing.get((data["organization"], data["name"]))
            is_new = person is None
            person = person or Person(organization_id=data["organization"], name=data["name"])
            person.title, person.phone, person.email = data["title"], data["phone"], data["email"]
            person._history_user = self.user
            person.save()
            result.created += is_new
            result.updated += not is_new


def import_people(file, user, *, commit=True, progress=None, limits=None):
    """Validate every row; if all are good, create people and update those with the same name at the
    same organisation. Nothing is written when any row is bad."""
    return PersonImporter(user).run(file, commit=commit, progress=progress, limits=limits)


IMPORTERS = {cls.kind: cls for cls in (OrganizationImporter, PersonImporter)}


def save_product(user, product):
    """Validate and save a product of an enterprise; its change history keeps the author."""
    product.full_clean()
    product._history_user = user
    with transaction.atomic():
        product.save()
        profile_changed(product.organization)
    return product
