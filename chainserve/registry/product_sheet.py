"""The products sheet (产品/管线) of the organisation workbook: each row a product of an organisation named by its
credit code or exact name — one already on file or one of the workbook's organisations sheet — checked by the
product page's form, written with the organisations or not at all (core.importing, Importer.sheets)."""

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chainserve.core.importing import Importer, choice_lookup

from .choices import ApprovalType, DrugClass, Expedited, Phase, ProductKind
from .forms import ProductForm
from .models import Organization, Product

PRODUCT_SHEETS = ["产品", "产品管线", "产品与管线", "管线", "products"]
PRODUCT_HEADERS = {
    "organization": ["企业", "所属企业", "单位", "企业名称", "organization"],
    "name": ["产品名称", "名称", "管线名称", "name"],
    "kind": ["产品类型", "类型", "kind"],
    "indication": ["适应症", "indication"],
    "drug_class": ["注册分类", "drug_class"],
    "phase": ["研发阶段", "阶段", "phase"],
    "expedited": ["加快上市程序", "加快程序", "expedited"],
    "approval_type": ["批准类型", "approval_type"],
    "approved_on": ["获批日期", "批准日期", "approved_on"],
}
PRODUCT_FIELDS = ProductForm.Meta.fields
CHOICES = {"kind": ProductKind.choices, "drug_class": DrugClass.choices, "phase": Phase.choices,
           "approval_type": ApprovalType.choices, "expedited": Expedited.choices}
AMBIGUOUS = object()


@functools.cache
def _lookup(name):
    # Built on first use, not at import: labels are translated, and translations need the app registry.
    return choice_lookup(CHOICES[name])


def _split(text):
    return [part.strip() for part in text.replace("、", ",").replace("，", ",").replace(";", ",").split(",")
            if part.strip()]


class ProductRowForm(ProductForm):
    """One row: the product page's own form (its fields and the model's rules), choices by value or label, the
    expedited programmes separated by 、, the organisation by credit code or exact name."""

    organization = forms.CharField()

    def __init__(self, data, refs):
        data = dict(data)
        for name in ("kind", "drug_class", "phase", "approval_type"):
            raw = str(data.get(name) or "").strip()
            data[name] = _lookup(name).get(raw.lower(), raw)
        data["kind"] = data["kind"] or ProductKind.DRUG
        data["expedited"] = [_lookup("expedited").get(p.lower(), p) for p in _split(str(data.get("expedited") or ""))]
        super().__init__(data)
        self.refs = refs

    def clean_organization(self):
        """(pk on file, None) or (None, the key of a row of the organisations sheet)."""
        key = self.cleaned_data["organization"].strip()
        for k in (key.upper(), key):
            if k in self.refs["sheet"]:
                return None, self.refs["sheet"][k]
        found = self.refs["orgs"].get(key.upper(), self.refs["orgs"].get(key))
        if found is AMBIGUOUS:
            raise ValidationError(_("Several organisations are called %(v)s: give its credit code.") % {"v": key})
        if found is None:
            raise ValidationError(_("No organisation has the name or credit code %(v)s.") % {"v": key})
        return found, None

    def clean(self):
        data = super().clean()
        data["organization"], data["sheet_org"] = data.get("organization") or (None, None)
        return data


class ProductSheet(Importer):
    """Products of the organisation workbook: added, or — one of the same name at the same organisation — replaced
    by the row. Who may import organisations may import their products, within the organisations they may
    change (Product.scope)."""

    label = gettext_lazy("products")
    sheet_names = PRODUCT_SHEETS
    columns = PRODUCT_HEADERS
    row_form = ProductRowForm

    def refs(self, rows):
        sheet = {}
        for data in self.main.cleaned:
            sheet[data["name"]] = sheet[data["uscc"]] = data["uscc"] or data["name"]
        sheet.pop(None, None)
        keys = list({str(values.get("organization") or "").strip() for _n, values in rows} - {""})
        orgs = {}
        for i in range(0, len(keys), 2000):
            chunk = keys[i:i + 2000]
            for pk, name, uscc in Organization.objects.filter(
                    Q(name__in=chunk) | Q(uscc__in=[k.upper() for k in chunk])).values_list("pk", "name", "uscc"):
                orgs[name] = AMBIGUOUS if orgs.get(name, pk) != pk else pk
                if uscc:
                    orgs[uscc] = pk
        return {"sheet": sheet, "orgs": orgs}

    def key(self, data):
        return data["organization"] or data["sheet_org"], data["name"]

    def check(self, rows, result):
        from .services import refuse_outside_scope  # services declares the workbook with this sheet

        refuse_outside_scope(self.user, rows, "organization", "pk", result, _(
            "You may not change the products of this organisation (it is kept by another chain office)."))

    def write(self, rows, result):
        for data in rows:
            data["organization"] = data["organization"] or self.main.saved[data["sheet_org"]]
        existing = {(p.organization_id, p.name): p for p in Product.objects.filter(
            organization_id__in={d["organization"] for d in rows}, name__in={d["name"] for d in rows})}
        new, changed, now = [], [], timezone.now()
        for data in rows:
            product = existing.get((data["organization"], data["name"]))
            if product is None:
                product = Product(organization_id=data["organization"])
                new.append(product)
            else:
                product.updated = now
                changed.append(product)
            for name in PRODUCT_FIELDS:
                setattr(product, name, data[name])
            product.refresh_search_text()
        bulk_create_with_history(new, Product, batch_size=2000, default_user=self.user)
        if changed:
            bulk_update_with_history(changed, Product, [*PRODUCT_FIELDS, "search_text", "updated"], batch_size=2000,
                                     default_user=self.user)
        result.created, result.updated = len(new), len(changed)
        result.touched.update(d["organization"] for d in rows)
