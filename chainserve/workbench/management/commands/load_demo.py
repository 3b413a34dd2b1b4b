from django.core.management.base import BaseCommand

from chainserve.demo import DEMO_PASSWORD, ROLE_USERS, load_demo
from chainserve.registry.models import Organization


class Command(BaseCommand):
    help = "Load the demo biomedicine cluster (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        loaded = load_demo()
        self.stdout.write(("Loaded" if loaded else "Already loaded") +
                          f": {Organization.objects.count()} organisations.")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, role, org, _display in ROLE_USERS:
            self.stdout.write(f"  {username:<11} {role.label}  {org or ''}")
