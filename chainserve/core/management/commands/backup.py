"""`chainserve backup [--output FILE]`: the whole database into one gzipped JSON Lines file."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from chainserve.core.backup import backup


class Command(BaseCommand):
    help = "Write the whole database (SQLite or PostgreSQL) to a compressed backup file that `restore` reads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o",
            help="the file to write (default: chainserve-backup-YYYYMMDD-HHMMSS.jsonl.gz in this folder)",
        )

    def handle(self, output=None, **options):
        path = Path(output or timezone.localtime().strftime("chainserve-backup-%Y%m%d-%H%M%S.jsonl.gz"))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        header = backup(partial)
        partial.replace(path)  # a file under the final name is always a whole backup
        rows = sum(count for count, _ in header["tables"].values())
        self.stdout.write(f"{path}: {rows} rows in {len(header['tables'])} tables ({path.stat().st_size} bytes)")
