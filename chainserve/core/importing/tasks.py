"""The task that checks or writes a large workbook uploaded on an import page."""

from django_tasks import task

from chainserve.core.models import ImportRun


@task()
def run_import(token: str, commit: bool):
    """Check (commit: write) the workbook of ImportRun `token`; running it again redoes the same check, and a
    run already written is left alone."""
    from . import runs

    run = ImportRun.objects.select_related("user").filter(token=token).first()
    wanted = ImportRun.Status.IMPORTING if commit else ImportRun.Status.CHECKING
    if run is None or run.status != wanted:
        return
    runs.execute(run, commit)
