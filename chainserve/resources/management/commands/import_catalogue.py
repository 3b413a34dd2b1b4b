from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chainserve.chains.services import import_candidates
from chainserve.core.models import User
from chainserve.registry.services import WorkbookError
from chainserve.resources import services

IMPORTERS = {kind: (lambda file, user, commit, kind=kind: services.import_catalogue(kind, file, user, commit=commit))
             for kind in services.IMPORT_KINDS}
IMPORTERS["candidates"] = lambda file, user, commit: import_candidates(file, user, commit=commit)


class Command(BaseCommand):
    help = ("Import catalogue items (policies, financial products …) or investment candidates from an .xlsx "
            "workbook: every row good, or nothing written.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file")
        parser.add_argument("--user", help="recorded as the author in the change history")
        parser.add_argument("--check", action="store_true", help="only check the rows; write nothing")

    def handle(self, kind, file, user=None, check=False, **options):
        author = User.objects.filter(username=user).first() if user else None
        if user and author is None:
            raise CommandError(f"No user {user}.")
        if not Path(file).is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = IMPORTERS[kind](file, author, commit=not check)
        except WorkbookError as e:
            raise CommandError(str(e)) from None
        if result.errors:
            for err in result.errors:
                self.stderr.write(f"row {err.row}: " + "; ".join(err.messages))
            raise CommandError(f"{len(result.errors)} bad rows of {result.total}: nothing was imported.")
        if check:
            self.stdout.write(f"All {result.total} rows are good.")
        else:
            self.stdout.write(f"Imported {result.total} rows: {result.created} created, {result.updated} updated.")
