from django.core.management.base import BaseCommand

from catering.services import catering_deadlines


class Command(BaseCommand):
    help = (
        "Catering payment deadlines: e-mail a reminder to people whose transfer is due within the "
        "edition's reminder days, and release the meals of those past the deadline (with an e-mail; "
        "the rest of the registration stays). Idempotent: run it from cron, e.g. hourly: "
        "`0 * * * * manage.py catering_deadlines`."
    )

    def handle(self, *args, **options):
        report = catering_deadlines()
        self.stdout.write(f"reminded={report.reminded} released={report.released}")
