"""The state of an import page's workbook (ImportRun): kept for the confirmation, checked and written inline
or — a large one — by a task, the result kept for its page, and all of it forgotten after a day."""

import datetime
import uuid
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from chainserve.core.models import ImportRun
from chainserve.core.tasks import enqueue_after_commit
from chainserve.core.uploads import WorkbookError, request_limits

from . import Importer, ImportResult, RowError, count_rows

PROGRESS_EVERY = 100  # rows between two writes of a run's progress


def upload_path(token):
    return Path(settings.MEDIA_ROOT) / "imports" / f"{token}.xlsx"


def is_large(run):
    """Whether the run's workbook is checked and written by a task rather than inside the request."""
    return run.total > settings.IMPORT_TASK_ROWS


def start(importer_class, upload, user, options, page):
    """Keep an uploaded workbook and check it: inline, or by a task when it is large (then the result is None
    until the task is done). A workbook that cannot be read raises WorkbookError and is not kept."""
    token = uuid.uuid4().hex
    path = upload_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        total = count_rows(path, request_limits(importer_class.command), importer_class)
    except WorkbookError:
        path.unlink(missing_ok=True)
        raise
    run = ImportRun.objects.create(token=token, user=user, kind=importer_class.kind,
                                   module=importer_class.__module__, options=options, page=page,
                                   language=translation.get_language() or settings.LANGUAGE_CODE, total=total)
    if is_large(run):
        _enqueue(run, commit=False)
        return run, None
    return run, execute(run, commit=False)


def confirm(run):
    """Write a checked workbook: inline, or by a task when it is large (then the result is None)."""
    if is_large(run):
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.IMPORTING, done=0)
        run.status = ImportRun.Status.IMPORTING
        _enqueue(run, commit=True)
        return None
    return execute(run, commit=True)


def _enqueue(run, commit):
    from .tasks import run_import  # the task runs this module's execute

    enqueue_after_commit(run_import, run.token, commit)


def execute(run, commit):
    """Check (and if commit, write) the run's workbook through its importer; keep the outcome on the run. The
    workbook is kept only while it waits for the confirmation. A workbook refused as a whole gives None."""
    importer = importer_of(run)
    path = upload_path(run.token)

    def progress(n):
        run.done += n
        if run.done % PROGRESS_EVERY == 0:
            ImportRun.objects.filter(pk=run.pk).update(done=run.done)

    run.done = 0
    try:
        with translation.override(run.language):
            result = importer.run(path, commit=commit, progress=progress,
                                  limits=request_limits(importer.command))
    except (WorkbookError, PermissionDenied) as e:
        result, run.result = None, {"message": str(e)}
        run.status = ImportRun.Status.REFUSED
    else:
        run.result = {"errors": [[e.row, e.messages, e.sheet] for e in result.errors], "preview": result.preview,
                      "total": result.total, "created": result.created, "updated": result.updated,
                      "others": result.others}
        if not result.ok:
            run.status = ImportRun.Status.REFUSED
        else:
            run.status = ImportRun.Status.DONE if commit else ImportRun.Status.CHECKED
    if run.status != ImportRun.Status.CHECKED:
        path.unlink(missing_ok=True)
    run.save(update_fields=["status", "done", "result", "updated"])
    return result


def importer_of(run, user=None):
    """The run's importer, for user (by default the one who uploaded the workbook)."""
    import_module(run.module)  # a worker has not necessarily imported the module that declares it
    return Importer.registry[run.kind](user or run.user, **run.options)


def result_of(run):
    """The ImportResult kept on a run (None while a task works on it or when the workbook was refused whole)."""
    if "total" not in run.result:
        return None
    data = run.result
    return ImportResult(kind=run.kind, total=data["total"], created=data["created"], updated=data["updated"],
                        errors=[RowError(*error) for error in data["errors"]],  # [row, messages(, sheet)]
                        preview=data["preview"], others=data.get("others", []))


def purge_stale_runs(now=None):
    """Delete the runs older than settings.IMPORT_RUN_KEEP_HOURS with the workbooks they keep (one checked but
    never confirmed keeps its file for the confirmation that will not come); the sweep runs it. Returns how
    many runs."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.IMPORT_RUN_KEEP_HOURS)
    stale = dict(ImportRun.objects.filter(created__lt=cutoff).values_list("pk", "token"))
    for token in stale.values():
        upload_path(token).unlink(missing_ok=True)
    ImportRun.objects.filter(pk__in=stale).delete()
    return len(stale)
