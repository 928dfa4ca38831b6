from django.core.management.base import BaseCommand

from backoffice.roles import roles_setup


class Command(BaseCommand):
    help = "Create or update the Organisers and Staff groups and their permissions (idempotent)."

    def handle(self, *args, **options):
        for group in roles_setup():
            self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
