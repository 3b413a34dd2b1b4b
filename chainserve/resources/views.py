"""Pages of the catalogue: for each kind of item a list (filters, search, sort, export), a page, an edit
form and publishing; and the Excel import."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainserve.core.importing.views import WorkbookImportView
from chainserve.core.models import can_change_any
from chainserve.core.money import format_yuan
from chainserve.core.views import ObjectEditView, ObjectListView

from . import application_views, filtersets, forms, services, tables
from .models import Achievement, Equipment, Expert, FinancialProduct, Policy, Space, TalentProgramme


@dataclass(frozen=True)
class Kind:
    """One kind of catalogue item and the pieces its pages are made of."""

    slug: str  # the URL and API name: policies, financial-products …
    model: type
    filterset: type
    table: type
    form: type
    detail: tuple  # the fields its page shows, in order

    @property
    def name(self):
        return self.model._meta.model_name


KINDS = [
    Kind("policies", Policy, filtersets.PolicyFilterSet, tables.PolicyTable, forms.PolicyForm,
         ("level", "document_number", "effective_from", "effective_to", "granted_without_application",
          "apply_until", "benefit", "application_guide", "url")),
    Kind("financial-products", FinancialProduct, filtersets.FinancialProductFilterSet, tables.FinancialProductTable,
         forms.FinancialProductForm, ("kind", "amount_min", "amount_max", "term", "rate", "benefit")),
    Kind("spaces", Space, filtersets.SpaceFilterSet, tables.SpaceTable, forms.SpaceForm,
         ("kind", "address", "area_m2", "rent", "available_from")),
    Kind("equipment", Equipment, filtersets.EquipmentFilterSet, tables.EquipmentTable, forms.EquipmentForm,
         ("kind", "location", "booking_terms")),
    Kind("experts", Expert, filtersets.ExpertFilterSet, tables.ExpertTable, forms.ExpertForm,
         ("position", "expertise")),
    Kind("talent-programmes", TalentProgramme, filtersets.TalentProgrammeFilterSet, tables.TalentProgrammeTable,
         forms.TalentProgrammeForm, ("apply_until", "benefit")),
    Kind("achievements", Achievement, filtersets.AchievementFilterSet, tables.AchievementTable,
         forms.AchievementForm, ("technical_field", "transfer_mode", "patents", "maturity")),
]
MONEY_FIELDS = {"amount_min", "amount_max"}


def describe(item, names):
    """(label, value, is a link) of each named field of item, as its page shows them."""
    rows = []
    for name in names:
        field = item._meta.get_field(name)
        value = getattr(item, name)
        if field.choices:
            value = getattr(item, f"get_{name}_display")()
        elif isinstance(field, models.BooleanField):
            value = _("Yes") if value else _("No")
        elif name in MONEY_FIELDS:
            value = format_yuan(value)
        rows.append((field.verbose_name, value, isinstance(field, models.URLField)))
    return rows


def _can_change(user, item):
    return type(item).objects.restrict(user, "change").filter(pk=item.pk).exists()


RULE_KEYS = {"policy": "policy", "financialproduct": "product"}  # the items that have eligibility rules


def rule_url(user, item):
    """Where the eligibility rule (资格条件) of a policy or financial product is kept, for one who may change the
    item: the rule's page (staff) or its next version's form, or the form of its first version; None for the
    kinds of item without rules."""
    key = RULE_KEYS.get(item._meta.model_name)
    if key is None:
        return None
    rule = getattr(item, "eligibility_rule", None)
    if rule is None:
        return f"{reverse('matching:rule-add')}?{key}={item.pk}"
    return rule.get_absolute_url() if user.is_staff_role else reverse("matching:rule-edit", args=[rule.pk])


class ItemListView(ObjectListView):
    kind = None
    template_name = "resources/item_list.html"
    prefetch_related = ("tags",)

    def extra_context(self, request):
        return {"kind": self.kind}


class ItemView(LoginRequiredMixin, View):
    kind = None

    def get(self, request, pk):
        model = self.kind.model
        item = get_object_or_404(model.objects.restrict(request.user).select_related(model.owner_field), pk=pk)
        can_edit = _can_change(request.user, item)
        return render(request, "resources/item.html", {
            "item": item, "kind": self.kind, "fields": describe(item, self.kind.detail),
            "owner": getattr(item, model.owner_field),
            "can_edit": can_edit, "rule_url": rule_url(request.user, item) if can_edit else None,
            "history": item.history.select_related("history_user")[:50] if request.user.is_staff_role else [],
            **(application_views.policy_context(request.user, item) if model is Policy else {}),
        })


class ItemEditView(ObjectEditView):
    kind = None

    def post(self, request, pk=None):
        item = self.get_object(request, pk)
        form = self.get_form(request, item, request.POST)
        if not form.is_valid():
            return self.render_form(request, form, item)
        item = services.save_item(request.user, form.save(commit=False), form.cleaned_data["tag_names"])
        messages.success(request, _("Saved %(name)s.") % {"name": item})
        return redirect(item)


class ItemStatusView(LoginRequiredMixin, View):
    """Publish or withdraw an item (a POST with action=publish or withdraw)."""

    kind = None
    actions = {"publish": services.publish, "withdraw": services.withdraw}

    def post(self, request, pk):
        item = get_object_or_404(self.kind.model.objects.restrict(request.user), pk=pk)
        change = self.actions.get(request.POST.get("action"))
        if change is None:
            messages.error(request, _("Unknown action."))
            return redirect(item)
        try:
            change(item, request.user)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("%(name)s is now %(status)s.") % {
                "name": item, "status": item.get_status_display().lower()})
        return redirect(item)


class CatalogueImportView(WorkbookImportView):
    importers = tuple(services.CATALOGUE_IMPORTERS[k.slug] for k in KINDS)
    title = gettext_lazy("Import the catalogue from Excel")

    def kinds(self, request):
        return [cls for cls in super().kinds(request) if can_change_any(cls.model, request.user)]

    help_text = gettext_lazy(
        "The first row names the columns: 名称 (or 政策名称, 产品名称, 姓名, 成果名称), the organisation "
        "(发布部门, 金融机构, 园区, 所属单位, 单位, 主管部门 or 成果单位, by name or credit code), 简介, 标签 "
        "(separated by 、) and the columns of the kind, e.g. for policies 文号, 生效日期, 截止日期, 支持内容, "
        "申报指南, 免申即享 (是/否). New items are added as drafts; an item with the same name at the same "
        "organisation is updated.")


def kind_urls(kind):
    """The pages of one kind of item."""
    def view(cls, **attrs):
        return type(f"{kind.model.__name__}{cls.__name__}", (cls,), {"kind": kind, **attrs}).as_view()

    list_view = view(ItemListView, model=kind.model, filterset_class=kind.filterset, table_class=kind.table,
                     select_related=(kind.model.owner_field,), add_url=reverse_lazy(f"resources:{kind.name}-add"))
    edit_view = view(ItemEditView, model=kind.model, form_class=kind.form)
    return [
        path(f"{kind.slug}/", list_view, name=kind.slug),
        path(f"{kind.slug}/add/", edit_view, name=f"{kind.name}-add"),
        path(f"{kind.slug}/<int:pk>/", view(ItemView), name=kind.name),
        path(f"{kind.slug}/<int:pk>/edit/", edit_view, name=f"{kind.name}-edit"),
        path(f"{kind.slug}/<int:pk>/status/", view(ItemStatusView), name=f"{kind.name}-status"),
    ]
