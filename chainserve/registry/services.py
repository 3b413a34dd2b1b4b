"""State changes of the registry: the Excel importers of organisations and people (core.importing), products,
the enterprise's correction requests; the registry's stamp."""

import copy
import datetime
import functools

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chainserve.core.choices import Role
from chainserve.core.importing import Importer, RowError, choice_lookup
from chainserve.core.models import Region, User, can_create, region_names
from chainserve.core.services import notify, save_record

from .choices import CORRECTABLE_FIELDS, CorrectionStatus, ListingStatus, OrgKind, OrgSize
from .forms import OrganizationForm
from .models import CorrectionRequest, Label, Organization, Person, RegistryStamp
from .product_sheet import ProductSheet
from .validators import clean_phone, clean_uscc

# Header aliases accepted in a workbook's first row (Chinese as staff write them, or the API's field names).
ORG_HEADERS = {
    "name": ["名称", "企业名称", "单位名称", "name"],
    "short_name": ["简称", "short_name"],
    "kind": ["类型", "主体类型", "kind"],
    "uscc": ["统一社会信用代码", "信用代码", "uscc"],
    "district": ["所在区", "区", "区县", "所在区县", "所在地区", "district", "region"],
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
            raise ValidationError(_("There is no region called %(v)s.") % {"v": name})
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
    """Organisations: new ones are created, those whose USCC is known are updated (only the cells given); their
    products from the workbook's products sheet (registry.product_sheet), all or nothing together."""

    kind = "organizations"
    label = gettext_lazy("organisations")
    columns = ORG_HEADERS
    row_form = OrganizationRowForm
    command = "chainserve import organizations FILE.xlsx"
    success_url = "registry:organizations"
    batch_size = 2000
    sheets = (ProductSheet,)

    @classmethod
    def allowed(cls, user):
        return can_create(Organization, user)

    def refs(self, rows):
        labels = list(Label.objects.all())
        return {
            "districts": region_names(Region.objects.all() if self.user is None else Region.objects.restrict(self.user)),
            "parks": {o.name: o for o in Organization.objects.filter(kind=OrgKind.PARK)},
            "labels": {lab.name: lab for lab in labels} | {lab.slug: lab for lab in labels},
        }

    def key(self, data):
        return data.get("uscc") or None

    def check(self, rows, result):
        refuse_outside_scope(self.user, rows, "uscc", "uscc", result,
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
        # What the products sheet names them by: the credit code, else the name (ProductSheet.refs).
        self.saved = {org.uscc or org.name: org.pk for org in new + changed}


def import_organizations(file, user, *, commit=True, progress=None, limits=None):
    """Validate every row; if all are good (and commit), create new organisations and update those
    whose USCC is known. Nothing is written when any row is bad."""
    return OrganizationImporter(user).run(file, commit=commit, progress=progress, limits=limits)


def refuse_outside_scope(user, rows, key, field, result, message):
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
        refuse_outside_scope(self.user, rows, "organization", "pk", result, _(
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
    """Validate and save a product of an enterprise as user (the page and the API): refused (PermissionDenied,
    nothing saved) unless user may change the enterprise (Product.scope). save_record keeps the author in the
    change history and tells matching that the enterprise's profile changed."""
    product.full_clean()
    return save_record(user, product)


# ---------------------------------------------------------------- corrections (信息更正申请)

def proposal_field(name):
    """The form field that reads a proposed value of profile field name (the organisation form's own)."""
    if name not in CORRECTABLE_FIELDS:
        raise ValidationError({"field": _("This field cannot be corrected by request.")})
    field = copy.deepcopy(OrganizationForm.base_fields[name])
    if name == "park":
        field.queryset = Organization.objects.filter(kind=OrgKind.PARK)
    if name == "labels":  # a few labels, ticked on a phone as on a desk
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
    return field


def _key(value):
    """A value as the comparable text kept on the request: ids for records, ISO dates, '' for nothing."""
    if value in (None, ""):
        return ""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, QuerySet | list | tuple):
        return ",".join(sorted(_key(v) for v in value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def shown_value(org, name):
    """How a field of org reads to a person: labels and names, not codes and ids."""
    if name == "labels":
        return "、".join(label.name for label in org.labels.all())
    value = getattr(org, f"get_{name}_display")() if org._meta.get_field(name).choices else getattr(org, name)
    return "" if value is None else str(value)


def current_value(org, name):
    """The field's value on file as its form field takes it (the correction form starts from it)."""
    return list(org.labels.all()) if name == "labels" else getattr(org, name)


def _current_key(org, name):
    return _key(current_value(org, name))


def _set(org, name, value):
    """Set field name of org to value; returns what save_record's save_related does (labels are m2m)."""
    if name == "labels":
        return lambda: org.labels.set(value)
    setattr(org, name, value)
    return None


def request_correction(user, org, field, proposed, reason):
    """The enterprise asks the chain office to correct one field of its own file. proposed is the value as
    a form or the API sends it. Refused: another user's organisation, an unknown field, a bad value, the value
    already on file, no reason, or a request for the same field still waiting."""
    if user.role != Role.ENTERPRISE or user.organization_id != org.pk:
        raise PermissionDenied
    form_field = proposal_field(field)
    if isinstance(proposed, int | float) and not isinstance(proposed, bool):
        proposed = str(proposed)  # a number sent in JSON reads as the same number typed
    if not isinstance(proposed, list if field == "labels" else str):
        raise ValidationError({"proposed_value": [_("Give the labels as a list.") if field == "labels"
                                                  else _("Give the value as text.")]})
    try:
        value = form_field.clean(proposed)
    except ValidationError as e:
        raise ValidationError({"proposed_value": e.messages}) from None
    errors = {}
    if _key(value) == _current_key(org, field):
        errors["proposed_value"] = [_("This is already the value on file.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the file should change.")]
    if errors:
        raise ValidationError(errors)
    proposed_org = Organization(pk=org.pk)  # to show the proposed value as the current one is shown
    if field == "labels":
        proposed_shown = "、".join(label.name for label in value)
    else:
        setattr(proposed_org, field, value)
        proposed_shown = shown_value(proposed_org, field)
    correction = CorrectionRequest(
        organization=org, field=field, current_value=shown_value(org, field), current_key=_current_key(org, field),
        proposed_value=proposed_shown, proposed_key=_key(value), reason=reason.strip(), requested_by=user)
    try:
        with transaction.atomic():
            correction.save()
            offices = User.objects.filter(role=Role.OFFICE, is_active=True, chains__placements__organization=org)
            with translation.override(settings.LANGUAGE_CODE):  # stored messages: the platform's language
                title = _("Correction requested: %(org)s, %(field)s") % {"org": org, "field": correction.field_label}
            notify(offices.distinct(), f"correction:{correction.pk}", title, correction.reason,
                   correction.get_absolute_url())
    except IntegrityError:
        raise ValidationError(
            {"field": [_("A correction of this field is already waiting for the chain office.")]}) from None
    return correction


def _pending(user, pk):
    """The request numbered pk, locked, if user may decide it and it still waits; else PermissionDenied or a
    ValidationError saying who decided it first."""
    correction = CorrectionRequest.objects.restrict(user, "view").filter(pk=pk).first()
    if correction is None:
        raise CorrectionRequest.DoesNotExist
    if not CorrectionRequest.objects.restrict(user, "change").filter(pk=pk).exists():
        raise PermissionDenied
    correction = (CorrectionRequest.objects.select_for_update(of=("self",))
                  .select_related("organization", "decided_by").get(pk=pk))
    if correction.status != CorrectionStatus.PENDING:
        raise ValidationError(_("This request was already decided (%(status)s by %(who)s).") % {
            "status": correction.get_status_display(), "who": correction.decided_by}, code="decided")
    return correction


def _decided(user, correction, status, title):
    correction.status, correction.decided_by, correction.decided_at = status, user, timezone.now()
    correction.save()
    enterprise_users = User.objects.filter(role=Role.ENTERPRISE, organization=correction.organization_id)
    with translation.override(settings.LANGUAGE_CODE):  # stored messages: the platform's language
        title = str(title) % {"field": correction.field_label}
    notify(enterprise_users, f"correction:{correction.pk}:{status}", title, correction.refusal_reason, correction.organization.get_absolute_url() + "#corrections")
    return correction


def approve_correction(user, pk):
    """The chain office approves: the proposed value is saved through save_record as the office's change (the
    organisation's history keeps it), the enterprise is told. A conflict, refused: the field changed since the
    request (the office then refuses it or the enterprise asks again)."""
    with transaction.atomic():
        correction = _pending(user, pk)
        org = Organization.objects.select_for_update().get(pk=correction.organization_id)
        if _current_key(org, correction.field) != correction.current_key:
            raise ValidationError(_("The %(field)s on file changed since the request (it is now %(now)s): refuse "
                                    "the request, the enterprise can ask again.") % {
                "field": correction.field_label, "now": shown_value(org, correction.field) or "—"}, code="conflict")
        key = correction.proposed_key
        value = proposal_field(correction.field).clean(key.split(",") if key and correction.field == "labels"
                                                       else [] if correction.field == "labels" else key)
        save_record(user, org, _set(org, correction.field, value))
        return _decided(user, correction, CorrectionStatus.APPROVED, gettext_lazy("Correction approved: %(field)s"))


def refuse_correction(user, pk, reason):
    """The chain office refuses, saying why; the enterprise is told the reason. The file is not changed."""
    with transaction.atomic():
        correction = _pending(user, pk)
        if not (reason or "").strip():
            raise ValidationError({"refusal_reason": [_("Say why the request is refused.")]})
        correction.refusal_reason = reason.strip()
        return _decided(user, correction, CorrectionStatus.REFUSED, gettext_lazy("Correction refused: %(field)s"))


# ---------------------------------------------------------------- the registry's stamp

STAMPS_KEPT = 100


def registry_changed(org_ids):
    """Organisations' profiles changed (core.profiles, PROFILE_CHANGED_HOOKS): what is cached of the registry is
    not read again. A new stamp at once, seen by the changing transaction itself and by everyone once it commits;
    and another after the commit — a transaction that committed meanwhile may have taken a newer number than the
    first one and had its figures cached under it."""
    RegistryStamp.objects.create()
    transaction.on_commit(_stamp_after_commit)


def _stamp_after_commit():
    newest = RegistryStamp.objects.create()
    RegistryStamp.objects.filter(pk__lte=newest.pk - STAMPS_KEPT).delete()
