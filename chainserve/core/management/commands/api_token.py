"""`chainserve token USER`: a new API token for USER, printed once (the database keeps only its hash)."""

from django.core.management.base import BaseCommand, CommandError

from chainserve.core import tokens
from chainserve.core.models import User


class Command(BaseCommand):
    help = "Print a new API token for USER; the user's earlier token stops working. Shown once: store it now."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, help="days until it expires (default: settings.API_TOKEN_DAYS)")

    def handle(self, username, days=None, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username}.")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        _, key = tokens.issue(user, days=days)
        self.stdout.write(key)
