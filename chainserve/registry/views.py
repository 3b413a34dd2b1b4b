"""Pages of the registry: organisations, people, relationships, products, import."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainserve.core.filters import search_queryset
from chainserve.core.forms import add_service_error
from chainserve.core.importing.views import WorkbookImportView
from chainserve.core.services import RecordInUse, deletable, delete_record
from chainserve.core.views import ObjectEditView, ObjectListView

from . import services
from .choices import CORRECTABLE_FIELDS, CorrectionStatus, OrgKind
from .file import build_file, may_request_correction
from .filtersets import CorrectionRequestFilterSet, OrganizationFilterSet, PersonFilterSet, RelationshipFilterSet
from .forms import CorrectionRequestForm, OrganizationForm, PersonForm, ProductForm, RefusalForm, RelationshipForm
from .models import CorrectionRequest, Organization, Person, Product, Relationship
from .tables import CorrectionRequestTable, OrganizationTable, PersonTable, RelationshipTable, StaffPersonTable


class OrganizationListView(ObjectListView):
    model = Organization
    filterset_class = OrganizationFilterSet
    table_class = OrganizationTable
    select_related = ("district", "park")
    prefetch_related = ("labels",)

    @property
    def add_url(self):
        return reverse("registry:organization-add")


def _readable(change):
    """One history change as people read it: the field's label, choices and linked records by their names."""
    field = Organization._meta.get_field(change.field)

    def shown(value):
        if value in (None, "") or field.many_to_many:
            return value or None  # "—" on the page
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if field.many_to_one:
            return field.related_model._base_manager.filter(pk=value).first() or value
        return value

    return {"field": field.verbose_name, "old": shown(change.old), "new": shown(change.new)}


class OrganizationView(LoginRequiredMixin, View):
    """The organisation's file (一企一档): its profile, people and relationships, then each part of its file
    as the viewer's scope shows it (registry.file), then its change history."""

    def get(self, request, pk):
        org = get_object_or_404(
            Organization.objects.restrict(request.user).select_related("district", "park"), pk=pk
        )
        rel = Relationship.objects.restrict(request.user).select_related("source", "target")
        history = list(org.history.select_related("history_user")[:30])
        changes = []
        for newer, older in zip(history, history[1:] + [None], strict=True):
            delta = newer.diff_against(older).changes if older is not None else []
            changes.append((newer, [_readable(change) for change in delta]))
        parts = build_file(org, request.user)
        context = {
            "org": org,
            "can_edit": Organization.objects.restrict(request.user, "change").filter(pk=pk).exists(),
            "can_delete": deletable(Organization, request.user).filter(pk=pk).exists(),
            "can_correct": may_request_correction(org, request.user),
            "is_staff": request.user.is_staff_role,
            "show_phone": request.user.is_staff_role,
            "people": org.people.all(),
            "products": org.products.all(),
            "outgoing": rel.filter(source=org),
            "incoming": rel.filter(target=org),
            "parts": parts,
            "tenants_count": org.tenants.count(),
            "changes": changes,
        }
        return render(request, "registry/organization.html", context)


class OrganizationEditView(ObjectEditView):
    model = Organization
    form_class = OrganizationForm

    def get(self, request, pk=None):
        # The enterprise does not edit its file: it asks the chain office to correct it (the page says how).
        if pk is not None and may_request_correction(get_object_or_404(Organization.objects.restrict(request.user),
                                                                       pk=pk), request.user):
            return redirect(reverse("registry:organization", args=[pk]) + "#corrections")
        return super().get(request, pk)


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
    initials, USCC); ?kind=… (repeated) keeps those kinds only."""

    def get(self, request):
        q = request.GET.get("q", "").strip()
        orgs = Organization.objects.restrict(request.user).select_related("district")
        if kinds := request.GET.getlist("kind"):
            orgs = orgs.filter(kind__in=[k for k in kinds if k in OrgKind.values])
        orgs = search_queryset(orgs, q)[:15] if q else []
        return render(request, "registry/suggest.html", {"orgs": orgs})


class ImportView(WorkbookImportView):
    importers = (services.OrganizationImporter, services.PersonImporter)
    help_text = gettext_lazy(
        "The first row names the columns. Organisations: 名称, 类型, 统一社会信用代码, 所在区, 园区, 成立日期, 规模, "
        "员工人数, 上市状态, 标签 (separated by 、), 地址. An organisation whose credit code is already known is updated, "
        "not added again. Its products go on a second sheet named 产品: 企业 (credit code or exact name, on file or on "
        "the first sheet), 产品名称, 产品类型, 适应症, 注册分类, 研发阶段, 加快上市程序 (separated by 、), 获批日期; a "
        "product of the same name at the same organisation is replaced. People: 姓名, 单位 (name or credit code), 职务, "
        "电话, 邮箱.")


class CorrectionRequestView(LoginRequiredMixin, View):
    """The enterprise asks for a correction of one field of its own file (?field=…)."""

    model = Organization  # the page's record
    template_name = "registry/correction_form.html"

    def setup_form(self, request, pk, data=None):
        org = get_object_or_404(Organization.objects.restrict(request.user), pk=pk)
        if not may_request_correction(org, request.user):
            raise PermissionDenied
        name = request.GET.get("field", "")
        if name not in CORRECTABLE_FIELDS:
            raise Http404
        form = CorrectionRequestForm(data, proposal_field=services.proposal_field(name),
                                     initial={"proposed_value": services.current_value(org, name)})
        return org, name, form

    def render_form(self, request, org, name, form):
        return render(request, self.template_name, {
            "org": org, "form": form, "field_label": Organization._meta.get_field(name).verbose_name,
            "current": services.shown_value(org, name)})

    def get(self, request, pk):
        return self.render_form(request, *self.setup_form(request, pk))

    def post(self, request, pk):
        org, name, form = self.setup_form(request, pk, request.POST)
        if not form.is_valid():
            return self.render_form(request, org, name, form)
        try:
            services.request_correction(request.user, org, name, form["proposed_value"].data,
                                        form.cleaned_data["reason"])
        except ValidationError as e:
            add_service_error(form, e)
            return self.render_form(request, org, name, form)
        messages.success(request, _("Your request went to the chain office; you will be told of its decision."))
        return redirect(reverse("registry:organization", args=[org.pk]) + "#corrections")


class CorrectionListView(ObjectListView):
    """The chain office's list of correction requests to decide (those of the organisations it may change)."""

    model = CorrectionRequest
    filterset_class = CorrectionRequestFilterSet
    table_class = CorrectionRequestTable
    select_related = ("organization",)


class CorrectionView(LoginRequiredMixin, View):
    """One correction request: what is asked and why; the office approves it or refuses it with a reason."""

    model = CorrectionRequest

    def get(self, request, pk, refusal=None):
        correction = get_object_or_404(CorrectionRequest.objects.restrict(request.user).select_related(
            "organization", "requested_by", "decided_by"), pk=pk)
        may_decide = (correction.status == CorrectionStatus.PENDING
                      and CorrectionRequest.objects.restrict(request.user, "change").filter(pk=pk).exists())
        return render(request, "registry/correction.html", {
            "correction": correction, "may_decide": may_decide, "refusal": refusal or RefusalForm()})

    def post(self, request, pk):
        get_object_or_404(CorrectionRequest.objects.restrict(request.user), pk=pk)
        refusal = RefusalForm(request.POST)
        try:
            if request.POST.get("decision") == "approve":
                services.approve_correction(request.user, pk)
                messages.success(request, _("Approved: the file is corrected."))
            else:
                services.refuse_correction(request.user, pk, request.POST.get("refusal_reason", ""))
                messages.success(request, _("Refused: the enterprise is told why."))
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                add_service_error(refusal, e)
                return self.get(request, pk, refusal)
            messages.error(request, " ".join(e.messages))
        return redirect("registry:correction", pk)
