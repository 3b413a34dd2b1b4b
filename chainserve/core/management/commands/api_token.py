from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from chainserve.core.models import User


class Command(BaseCommand):
    help = "Print the API token of USER (made on first use)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username}.")
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
