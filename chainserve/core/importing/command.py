"""The base of the Excel import commands (import_registry, import_catalogue): every row good, or nothing written."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from chainserve.core.models import User
from chainserve.core.uploads import command_limits

from . import WorkbookError


class WorkbookImportCommand(BaseCommand):
    """`KIND FILE [--user USER] [--check]`: the rows of an .xlsx workbook through importers[KIND] (Importer
    classes), with a progress bar; bad rows are listed and nothing is written."""

    importers = {}

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(self.importers))
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
            with tqdm(desc="checking rows", unit=" rows", disable=None) as bar:
                result = self.importers[kind](author).run(file, commit=not check, progress=bar.update,
                                                          limits=command_limits())
        except WorkbookError as e:
            raise CommandError(str(e)) from None
        if result.errors:
            for err in result.errors:
                where = f"sheet {err.sheet}, row {err.row}" if err.sheet else f"row {err.row}"
                self.stderr.write(f"{where}: " + "; ".join(err.messages))
            raise CommandError(f"{len(result.errors)} bad rows of {result.total}: nothing was imported.")
        if check:
            self.stdout.write(f"All {result.total} rows are good.")
        else:
            self.stdout.write(f"Imported {result.total} rows: {result.created} created, {result.updated} updated"
                              + "".join(f"; {kind}: {c} created, {u} updated" for kind, c, u in result.others) + ".")
