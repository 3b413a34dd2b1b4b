"""`chainserve restore FILE`: replace everything in the database with a backup, all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from chainserve.core.backup import BackupError, read_header, restore


class Command(BaseCommand):
    help = (
        "Replace everything in this (migrated) database with the backup FILE, then check every table's row "
        "count and checksum against the backup; on any difference nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="do not ask before replacing the database's contents")

    def handle(self, file, interactive=True, **options):
        try:
            header = read_header(file)
        except (OSError, EOFError) as e:
            raise CommandError(f"Cannot read {file}: {e}") from None
        except BackupError as e:
            raise CommandError(str(e)) from None
        if interactive:
            answer = input(
                f"Replace everything in this database with the backup of {header['created']}? Type 'yes': "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            loaded = restore(file)
        except BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"Restored {loaded} records from {file}; every table's rows match the backup.")
