"""Pages of the registry: organisations, people, relationships, products, import."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainserve.core.filters import search_queryset
from chainserve.core.importing.views import WorkbookImportView
from chainserve.core.services import RecordInUse, deletable, delete_record
from chainserve.core.views import ObjectEditView, ObjectListView

from . import services
from .filtersets import OrganizationFilterSet, PersonFilterSet, RelationshipFilterSet
from .forms import OrganizationForm, PersonForm, ProductForm, RelationshipForm
from .models import Organization, Person, Product, Relationship
from .tables import OrganizationTable, PersonTable, RelationshipTable, StaffPersonTable


class OrganizationListView(ObjectListView):
    model = Organization
    filterset_class = OrganizationFilterSet
    table_class = OrganizationTable
    select_related = ("district", "park")
    prefetch_related = ("labels",)

    @property
    def add_url(self):
        return reverse("registry:organization-add")


class OrganizationView(LoginRequiredMixin, View):
    def get(self, request, pk):
        org = get_object_or_404(
            Organization.objects.restrict(request.user).select_related("district", "park"), pk=pk
        )
        rel = Relationship.objects.restrict(request.user).select_related("source", "target")
        history = list(org.history.select_related("history_user")[:30])
        changes = []
        for newer, older in zip(history, history[1:] + [None], strict=True):
            delta = newer.diff_against(older).changes if older is not None else []
            changes.append((newer, delta))
        context = {
            "org": org,
            "can_edit": Organization.objects.restrict(request.user, "change").filter(pk=pk).exists(),
            "can_delete": deletable(Organization, request.user).filter(pk=pk).exists(),
            "show_phone": request.user.is_staff_role,
            "people": org.people.all(),
            "products": org.products.all(),
            "outgoing": rel.filter(source=org),
            "incoming": rel.filter(target=org),
            "placements": org.placements.restrict(request.user).select_related("segment", "chain"),
            "tenants_count": org.tenants.count(),
            "changes": changes,
        }
        return render(request, "registry/organization.html", context)


class OrganizationEditView(ObjectEditView):
    model = Organization
    form_class = OrganizationForm


class OrganizationDeleteView(LoginRequiredMixin, View):
    """Delete an organisation (POST) through core.services.delete_record: refused with the records that
    still use it, shown on its page, or outside what the user may delete (Organization.delete_scope)."""

    def post(self, request, pk):
        org = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
        try:
            delete_record(request.user, org)
        except RecordInUse as e:
            messages.error(request, str(e))
            return redirect(org.get_absolute_url())
        messages.success(request, _("Deleted %(name)s.") % {"name": org})
        return redirect("registry:organizations")


class PersonListView(ObjectListView):
    model = Person
    filterset_class = PersonFilterSet
    select_related = ("organization",)

    @property
    def table_class(self):
        return StaffPersonTable if self.request.user.is_staff_role else PersonTable

    @property
    def add_url(self):
        return reverse("registry:person-add")


class PersonView(LoginRequiredMixin, View):
    def get(self, request, pk):
        person = get_object_or_404(Person.objects.restrict(request.user).select_related("organization"), pk=pk)
        return render(request, "registry/person.html", {
            "person": person,
            "show_phone": request.user.is_staff_role,
            "can_edit": Person.objects.restrict(request.user, "change").filter(pk=pk).exists(),
            "history": person.history.select_related("history_user")[:20],
        })


class PersonEditView(ObjectEditView):
    model = Person
    form_class = PersonForm

    def get_initial(self, request, obj):
        return {"organization": request.GET.get("organization")} if obj.pk is None else {}


class RelationshipListView(ObjectListView):
    model = Relationship
    filterset_class = RelationshipFilterSet
    table_class = RelationshipTable
    select_related = ("source", "target")

    @property
    def add_url(self):
        return reverse("registry:relationship-add")


class RelationshipEditView(ObjectEditView):
    model = Relationship
    form_class = RelationshipForm

    def get_initial(self, request, obj):
        return {"source": request.GET.get("source")} if obj.pk is None else {}

    def success_url(self, instance):
        return instance.source.get_absolute_url()


class ProductEditView(ObjectEditView):
    """Products are edited from their enterprise: changing one needs the right to change the enterprise."""

    model = Product
    form_class = ProductForm

    def dispatch(self, request, *args, org=None, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.org = get_object_or_404(Organization.objects.restrict(request.user), pk=org)
        if not Organization.objects.restrict(request.user, "change").filter(pk=org).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, request, pk):
        if pk is None:
            return Product(organization=self.org)
        return get_object_or_404(Product, pk=pk, organization=self.org)

    def post(self, request, pk=None):
        product = self.get_object(request, pk)
        form = self.get_form(request, product, request.POST)
        if not form.is_valid():
            return self.render_form(request, form, product)
        services.save_product(request.user, form.save(commit=False))
        messages.success(request, _("Saved %(name)s.") % {"name": form.instance})
        return redirect(self.org.get_absolute_url())


class SuggestView(LoginRequiredMixin, View):
    """The options of an organisation picker (core.widgets org_picker): name, USCC and district of the first
    15 organisations the user may see that match what has been typed (name, traditional characters, pinyin,
    initials, USCC)."""

    def get(self, request):
        q = request.GET.get("q", "").strip()
        orgs = Organization.objects.restrict(request.user).select_related("district")
        orgs = search_queryset(orgs, q)[:15] if q else []
        return render(request, "registry/suggest.html", {"orgs": orgs})


class ImportView(WorkbookImportView):
    importers = (services.OrganizationImporter, services.PersonImporter)
    help_text = gettext_lazy(
        "The first row names the columns. Organisations: 名称, 类型, 统一社会信用代码, 所在区, 园区, 成立日期, 规模, "
        "员工人数, 上市状态, 标签 (separated by 、), 地址. People: 姓名, 单位 (name or credit code), 职务, 电话, 邮箱. An "
        "organisation whose credit code is already known is updated, not added again.")
