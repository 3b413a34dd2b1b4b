"""State changes of the catalogue: saving, publishing and withdrawing items, and the Excel import."""

import functools

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainserve.core.choices import Role
from chainserve.core.importing import Importer, choice_lookup
from chainserve.core.services import save_record
from chainserve.matching import services as matching
from chainserve.registry.choices import OrgKind
from chainserve.registry.models import Organization

from .choices import ItemStatus
from .forms import OWNER_KINDS, URL_FIELDS, split_tags
from .models import Achievement, Equipment, Expert, FinancialProduct, Policy, Space, Tag, TalentProgramme

# Which status each action may start from.
PUBLISHABLE = (ItemStatus.DRAFT, ItemStatus.WITHDRAWN)


def catalogue_changed(item):
    """Runs after a change to item (saved, published, withdrawn) is committed: what follows a change of
    the catalogue starts here — the matching app recomputes which enterprises the item fits."""
    matching.item_changed(item)


def _after_commit(item):
    transaction.on_commit(lambda: catalogue_changed(item))


def tag_ids(names):
    """The ids of the tags named, creating those that do not exist yet."""
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    return dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))


def set_tags(item, names, ids=None):
    """Give item exactly the tags named (new names become tags; ids: known name → id)."""
    ids = ids if ids is not None else tag_ids(names)
    item.tags.set([ids[n] for n in names])


def save_item(user, item, tag_names=None):
    """Create or change a catalogue item as user (scoped, atomic; tags replaced when given), then let what
    follows a change run."""
    with transaction.atomic():
        save_record(user, item, None if tag_names is None else lambda: set_tags(item, tag_names))
        _after_commit(item)
    return item


def _locked(user, item):
    """item re-read under a row lock, if user may change it; refused otherwise."""
    model = type(item)
    locked = model.objects.restrict(user, "change").select_for_update().filter(pk=item.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


def _set_status(user, item, status, allowed_from, message):
    with transaction.atomic():
        locked = _locked(user, item)
        if locked.status not in allowed_from:
            raise ValidationError({"status": message})
        locked.status = status
        if status == ItemStatus.PUBLISHED:
            locked.published_at = timezone.now()
        locked._history_user = user
        locked.save(update_fields=["status", "published_at", "updated"])
        _after_commit(locked)
    item.status, item.published_at = locked.status, locked.published_at
    return locked


def publish(item, user):
    """Publish a draft or withdrawn item — 发布: enterprises see it from now on."""
    return _set_status(user, item, ItemStatus.PUBLISHED, PUBLISHABLE,
                       _("This item is already published."))


def withdraw(item, user):
    """Withdraw a published item — 撤回: enterprises no longer see it; the record stays."""
    return _set_status(user, item, ItemStatus.WITHDRAWN, (ItemStatus.PUBLISHED,),
                       _("Only a published item can be withdrawn."))


# ---------------------------------------------------------------- Excel import

COMMON_HEADERS = {
    "name": ["标题", "名称", "title", "name"],
    "description": ["简介", "说明", "description"],
    "tags": ["标签", "tags"],
}
IMPORT_HEADERS = {
    Policy: {"name": ["政策名称"], "owner": ["发布部门", "发文单位", "issuer"], "level": ["层级", "level"],
             "document_number": ["文号", "document_number"],
             "effective_from": ["生效日期", "施行日期", "effective_from"],
             "effective_to": ["截止日期", "失效日期", "effective_to"], "benefit": ["支持内容", "扶持内容", "benefit"],
             "application_guide": ["申报指南", "application_guide"],
             "granted_without_application": ["免申即享", "granted_without_application"], "url": ["原文链接", "url"]},
    FinancialProduct: {"name": ["产品名称"], "owner": ["金融机构", "机构", "institution"], "kind": ["产品类型", "kind"],
                       "amount_min": ["最低金额(元)", "最低金额", "amount_min"],
                       "amount_max": ["最高金额(元)", "最高金额", "amount_max"], "term": ["期限", "term"],
                       "rate": ["利率", "rate"], "benefit": ["产品优势", "benefit"]},
    Space: {"owner": ["园区", "park"], "kind": ["类型", "kind"], "address": ["地址", "address"],
            "area_m2": ["面积(平方米)", "面积", "area_m2"], "rent": ["租金", "rent"],
            "available_from": ["可入驻日期", "available_from"]},
    Equipment: {"owner": ["所属单位", "owner"], "kind": ["类型", "kind"], "location": ["地点", "location"],
                "booking_terms": ["预约方式", "booking_terms"]},
    Expert: {"name": ["姓名"], "owner": ["单位", "organization"], "position": ["职称", "position"],
             "expertise": ["专业领域", "expertise"]},
    TalentProgramme: {"owner": ["主管部门", "issuer"], "apply_until": ["申报截止", "apply_until"],
                      "benefit": ["支持内容", "benefit"]},
    Achievement: {"name": ["成果名称"], "owner": ["成果单位", "owner"], "technical_field": ["技术领域", "technical_field"],
                  "transfer_mode": ["转化方式", "transfer_mode"], "patents": ["专利号", "patents"],
                  "maturity": ["成熟度", "maturity"]},
}
IMPORT_KINDS = {
    "policies": Policy, "financial-products": FinancialProduct, "spaces": Space, "equipment": Equipment,
    "experts": Expert, "talent-programmes": TalentProgramme, "achievements": Achievement,
}
TRUE_WORDS = {"是", "yes", "y", "true", "1", "√", "✓", "x"}


def _headers(model):
    own = IMPORT_HEADERS[model]
    return {name: own.get(name, []) + COMMON_HEADERS.get(name, []) for name in {*COMMON_HEADERS, *own}}


@functools.cache
def _choices(model_field):
    return choice_lookup(model_field.choices)


class CatalogueRowForm(forms.ModelForm):
    """One row of a catalogue workbook: the model's own checks, the owner by name or credit code,
    choices by value or label, yes/no in Chinese or English."""

    owner = forms.CharField()
    tags = forms.CharField(required=False)

    def __init__(self, data, refs):
        data = dict(data)
        data["title"] = data.pop("name", "")
        for name, field in self.base_fields.items():
            raw = str(data.get(name) or "").strip()
            if isinstance(field, forms.BooleanField):
                data[name] = "true" if raw.lower() in TRUE_WORDS else "false"
            elif isinstance(field, forms.TypedChoiceField):
                model_field = self._meta.model._meta.get_field(name)
                data[name] = _choices(model_field).get(raw.lower(), raw) if raw else model_field.get_default()
        super().__init__(data)
        self.refs = refs

    def clean_owner(self):
        key = self.cleaned_data["owner"].strip()
        org = self.refs["owners"].get(key) or self.refs["owners"].get(key.upper())
        if org is None:
            raise ValidationError(_("No %(kinds)s is called %(v)s.") % {"kinds": self.refs["kinds"], "v": key})
        if self.refs["mine"] is not None and org.pk != self.refs["mine"]:
            raise ValidationError(_("You may only import items of your own organisation."))
        return org

    def clean_tags(self):
        return split_tags(self.cleaned_data.get("tags"))


def _row_form(model):
    fields = [f for f in IMPORT_HEADERS[model] if f not in ("name", "owner")] + ["title", "description"]
    return forms.modelform_factory(model, form=CatalogueRowForm, fields=fields, field_classes=URL_FIELDS)


def _owner_refs(model, user):
    owners = {}
    for org in Organization.objects.filter(kind__in=OWNER_KINDS[model]):
        owners[org.name] = org
        if org.uscc:
            owners[org.uscc] = org
    kinds = " / ".join(str(OrgKind(k).label).lower() for k in OWNER_KINDS[model])
    mine = None if user is None or user.is_editor else user.organization_id
    return {"owners": owners, "kinds": kinds, "mine": mine}


def _store(user, item, tag_names, ids):
    item._history_user = user
    item.save()
    set_tags(item, tag_names, ids)
    _after_commit(item)


def may_import(user, model):
    """Whether user may import items of model: the catalogue's editors, and a partner the items of its own
    institution (the rows are held to it); a department handler keeps its department's items one by one.
    None is the command line."""
    if user is None or user.is_editor:
        return True
    return (user.role == Role.PARTNER and user.organization is not None
            and user.organization.kind in OWNER_KINDS[model])


class CatalogueImporter(Importer):
    """Items of one kind of the catalogue (a subclass per kind, below): new items are added as drafts, an item
    with the same title at the same organisation is updated."""

    model = None
    refusal = gettext_lazy("Your role cannot import the catalogue.")

    @classmethod
    def allowed(cls, user):
        return may_import(user, cls.model)

    def headers(self):
        return {("title" if f == "name" else f): names[0] for f, names in self.columns.items()}

    def get_success_url(self):
        return reverse(f"resources:{self.kind}")

    def refs(self, rows):
        return _owner_refs(self.model, self.user)

    def key(self, data):
        return data["owner"].pk, data["title"]

    def write(self, rows, result):
        model, owner_field = self.model, self.model.owner_field
        existing = {(getattr(o, f"{owner_field}_id"), o.title): o for o in model.objects.filter(
            **{f"{owner_field}__in": {d["owner"] for d in rows}}, title__in={d["title"] for d in rows})}
        ids = tag_ids({n for d in rows for n in d["tags"]})
        for data in rows:
            item = existing.get((data["owner"].pk, data["title"]))
            result.updated += item is not None
            result.created += item is None
            item = item or model()
            for name in self.row_form._meta.fields:
                setattr(item, name, data[name])
            setattr(item, owner_field, data["owner"])
            _store(self.user, item, data["tags"], ids)


CATALOGUE_IMPORTERS = {
    kind: type(f"{model.__name__}Importer", (CatalogueImporter,), {
        "kind": kind, "model": model, "label": model._meta.verbose_name_plural, "columns": _headers(model),
        "row_form": _row_form(model), "command": f"chainserve import_catalogue {kind} FILE.xlsx"})
    for kind, model in IMPORT_KINDS.items()
}


def import_catalogue(kind, file, user, *, commit=True, progress=None, limits=None):
    """Validate every row of a workbook of one kind of item; if all are good (and commit), create new items
    (as drafts) and update those with the same title at the same organisation. Nothing is written when any
    row is bad."""
    return CATALOGUE_IMPORTERS[kind](user).run(file, commit=commit, progress=progress, limits=limits)
