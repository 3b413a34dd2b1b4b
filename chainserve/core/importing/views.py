"""The one page flow of every workbook import: upload → preview, or every bad row with its row and column →
confirm. A large workbook is checked and written by a task while a progress page follows it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from chainserve.core.forms import BootstrapForm, bootstrap
from chainserve.core.models import ImportRun
from chainserve.core.uploads import WorkbookError, check_workbook_upload

from . import runs


class WorkbookForm(BootstrapForm):
    """A workbook to import, and which kind of records it holds."""

    file = forms.FileField(label=gettext_lazy("Excel workbook (.xlsx)"))

    def __init__(self, *args, importers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.importers = {cls.kind: cls for cls in importers}
        self.fields["kind"] = forms.ChoiceField(label=gettext_lazy("What the workbook holds"),
                                                choices=[(cls.kind, capfirst(cls.label)) for cls in importers])
        self.order_fields(["kind", "file"])
        bootstrap(self)

    def clean_file(self):
        # The kind field comes first: its command is what a message about a file too large names.
        importer = self.importers.get(self.data.get("kind"))
        return check_workbook_upload(self.cleaned_data["file"], importer.command if importer else None)


class WorkbookImportView(LoginRequiredMixin, View):
    """An import page: `importers` are the Importer classes offered (those the user is allowed), `title` and
    `help_text` say what the workbook holds. Nothing is written unless every row is good and the user
    confirms what the preview shows."""

    importers = ()
    title = gettext_lazy("Import from Excel")
    help_text = ""
    template_name = "core/import.html"

    def kinds(self, request):
        return [cls for cls in self.importers if cls.allowed(request.user)]

    def options(self, request):
        """What the importers need besides the file (JSON values: kept for the confirmation and the task)."""
        return {}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.kinds(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_page(self, request, form, result=None, run=None):
        return render(request, self.template_name, {
            "form": form, "result": result, "token": run.token if run and result and result.ok else None,
            "title": self.title, "help_text": self.help_text})

    def get(self, request, *args, **kwargs):
        return self.render_page(request, WorkbookForm(importers=self.kinds(request),
                                                      initial={"kind": request.GET.get("kind")}))

    def post(self, request, *args, **kwargs):
        if token := request.POST.get("confirm"):
            return self.confirm(request, token)
        importers = self.kinds(request)
        form = WorkbookForm(request.POST, request.FILES, importers=importers)
        if not form.is_valid():
            return self.render_page(request, form)
        importer = form.importers[form.cleaned_data["kind"]]
        try:
            run, result = runs.start(importer, form.cleaned_data["file"], request.user, self.options(request),
                                     request.path)
        except WorkbookError as e:
            form.add_error("file", str(e))
            return self.render_page(request, form)
        if runs.is_large(run):
            return redirect("import-run", token=run.token)
        if result is None:
            form.add_error("file", run.result["message"])
        return self.render_page(request, form, result, run)

    def confirm(self, request, token):
        run = ImportRun.objects.filter(token=token, user=request.user, status=ImportRun.Status.CHECKED,
                                       page=request.path).first()
        if run is None or not token.isalnum() or not runs.upload_path(token).exists():
            raise Http404
        result = runs.confirm(run)
        if runs.is_large(run):
            return redirect("import-run", token=run.token)
        if result is None or not result.ok:  # the records changed between preview and confirm
            form = WorkbookForm(importers=self.kinds(request), initial={"kind": run.kind})
            if result is None:
                form.add_error(None, run.result["message"])
            return self.render_page(request, form, result)
        importer = runs.importer_of(run, request.user)
        messages.success(request, done_message(importer, result))
        return redirect(importer.get_success_url())


def done_message(importer, result):
    message = _("Imported %(kind)s: %(c)d created, %(u)d updated.") % {
        "kind": importer.label, "c": result.created, "u": result.updated}
    return " ".join([message, *(_("And %(kind)s: %(c)d created, %(u)d updated.") % {"kind": kind, "c": c, "u": u}
                                for kind, c, u in result.others)])


class ImportRunView(LoginRequiredMixin, View):
    """How far a large workbook is: checked, refused with every bad row, waiting for the confirmation, or
    written. While a task works on it the page (htmx) asks again every two seconds."""

    def get(self, request, token):
        run = get_object_or_404(ImportRun, token=token, user=request.user)
        importer = runs.importer_of(run, request.user)
        result = runs.result_of(run)
        working = run.status in (ImportRun.Status.CHECKING, ImportRun.Status.IMPORTING)
        template = "core/_import_run.html" if request.htmx else "core/import_run.html"
        return render(request, template, {
            "run": run, "result": result, "working": working, "label": importer.label,
            "percent": min(100, run.done * 100 // max(run.total, 1)),
            "done_message": done_message(importer, result) if run.status == ImportRun.Status.DONE else "",
            "success_url": importer.get_success_url(), "token": run.token,
        })
