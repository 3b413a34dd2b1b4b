"""Shared page machinery: home, list (filter, search, sort, paginate, export), form, detail; error pages."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from . import throttle
from .audit import record_export
from .exports import xlsx_response
from .forms import PasswordResetForm, add_service_error, bootstrap
from .models import can_create
from .pagination import COUNT_CAP
from .services import mark_read, save_record

PAGE_SIZES = (25, 50, 100)
EXPORT_LIMIT = 200_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows: an exact COUNT(*) over a million filtered rows costs seconds,
    and nobody pages past the first ten thousand (they narrow the filters or export). Counted without the
    list's order: a sort (and the join it needs) over every filtered row only to count the first ten
    thousand took 0.8 s of 0.9 for a policy qualifying a million enterprises."""

    @cached_property
    def _counted(self):
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @cached_property
    def count(self):
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self):
        return self._counted > COUNT_CAP


class StaffOnlyMixin(LoginRequiredMixin):
    """A page for staff roles only: anyone else signed in gets 403, anyone signed out the login page."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff_role:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def filters_used(form, query):
    """How many of the filter form's fields the query sets (a range's two ends, name_min and name_max, once)."""
    return sum(any(v for key, values in query.lists() if key == name or key.startswith(name + "_") for v in values)
               for name in form.fields)


class ObjectListView(LoginRequiredMixin, View):
    """A list page: `q` search and the FilterSet's filters, `sort`, `per_page`, `export=xlsx`."""

    model = None
    filterset_class = None
    table_class = None
    template_name = "core/object_list.html"
    select_related = ()
    prefetch_related = ()
    add_url = None
    default_sort = None  # overrides the table's default order for this page

    def get_queryset(self, request):
        qs = self.model.objects.restrict(request.user, "view")
        return qs.select_related(*self.select_related).prefetch_related(*self.prefetch_related)

    def get(self, request):
        table = self.table_class()
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(request), request=request)
        bootstrap(filterset.form, filters=True)
        qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        sort = request.GET.get("sort", "")
        order = table.sort_field(sort) if sort else (self.default_sort or table.default_sort)
        qs = qs.order_by(order, "pk")
        if request.GET.get("export") == "xlsx":
            headers = [str(c.label) for c in table.columns]
            written = [0]

            def counted(rows):  # counted as the workbook is written: 200,000 rows are never held as a list
                for row in rows:
                    written[0] += 1
                    yield row

            response = xlsx_response(table.export_name, headers, counted(table.export_rows(qs[:EXPORT_LIMIT])))
            # Exports carry contact data (people, organisations) out of the platform: each one is audited.
            record_export(request, self.model._meta.label, written[0], request.GET)
            return response
        try:
            per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
        except ValueError:
            per_page = PAGE_SIZES[0]
        per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
        page = CappedPaginator(qs, per_page).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            "table": table,
            "filterset": filterset,
            "filters_used": filters_used(filterset.form, request.GET),
            "page": page,
            "rows": [(obj, [(c, c.value(obj)) for c in table.columns]) for obj in page.object_list],
            "sort": sort,
            "params": params.urlencode(),
            "page_sizes": PAGE_SIZES,
            "per_page": per_page,
            "add_url": self.add_url if self.add_url and can_create(self.model, request.user) else None,
            "title": table.title,
            "count_cap": COUNT_CAP,
        }
        context.update(self.extra_context(request))
        return render(request, self.template_name, context)

    def extra_context(self, request):
        return {}


class ObjectEditView(LoginRequiredMixin, View):
    """Create (no pk) or edit one record with a form; saved through save_record as the user."""

    model = None
    form_class = None
    template_name = "core/object_form.html"

    def get_object(self, request, pk):
        if pk is None:
            if not can_create(self.model, request.user):
                raise PermissionDenied
            return self.model()
        obj = self.model.objects.restrict(request.user, "view").filter(pk=pk).first()
        if obj is None:
            raise Http404
        if not self.model.objects.restrict(request.user, "change").filter(pk=pk).exists():
            raise PermissionDenied
        return obj

    def get_form(self, request, obj, data=None):
        return self.form_class(data, instance=obj, user=request.user, initial=self.get_initial(request, obj))

    def get_initial(self, request, obj):
        return {}

    def render_form(self, request, form, obj):
        context = {"form": form, "object": obj, "model_name": self.model._meta.verbose_name}
        return render(request, self.template_name, context)

    def get(self, request, pk=None):
        obj = self.get_object(request, pk)
        return self.render_form(request, self.get_form(request, obj), obj)

    def post(self, request, pk=None):
        obj = self.get_object(request, pk)
        form = self.get_form(request, obj, request.POST)
        if not form.is_valid():
            return self.render_form(request, form, obj)
        try:
            instance = self.save(request, form)
        except ValidationError as e:
            add_service_error(form, e)
            return self.render_form(request, form, obj)
        messages.success(request, _("Saved %(name)s.") % {"name": instance})
        return redirect(self.success_url(instance))

    def save(self, request, form):
        """Save the valid form as the user; a model whose saving is a service overrides this to call it."""
        instance = form.save(commit=False)
        return save_record(request.user, instance, form.save_m2m)

    def success_url(self, instance):
        return instance.get_absolute_url()


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset (an e-mail with a one-time link), throttled per address and per e-mail."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        if not throttle.password_reset_allowed(self.request, form.cleaned_data["email"]):
            form.add_error("email", _("Too many password reset requests; please try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class InboxView(LoginRequiredMixin, View):
    """The user's in-app messages, unread ones marked. Reading the list changes nothing: a message is marked read
    when it is opened (a POST, then on to its page), or all at once with 「全部标为已读」."""

    def get(self, request):
        from .models import Notification

        page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
        return render(request, "core/inbox.html", {"page": page, "params": ""})

    def post(self, request):
        mark_read(request.user)
        return redirect("inbox")


class InboxOpenView(LoginRequiredMixin, View):
    """Open one message: mark it read and go to its page (a path on this site only), else back to the inbox."""

    def post(self, request, pk):
        message = mark_read(request.user, pk)
        if message is None:
            raise Http404
        target = message.url if message.url.startswith("/") and not message.url.startswith("//") else ""
        return redirect(target or "inbox")


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    """A static page, rendered without the request: what failed (the session's store, the database) is not asked
    again by the context processors — with Redis stuck, asking it again held a worker for 38 s."""
    return render(None, "errors/500.html", status=500)
