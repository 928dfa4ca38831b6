from django.core.management.base import BaseCommand

from registration.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Reminders before each day of an edition: queue an e-mail to every person registered for a "
        "day that is Edition.reminder_days_before days away or nearer (their items, the venue, the "
        "ticket and a calendar file). Each person gets one per day, however often it runs: run it "
        "from cron, e.g. hourly: `0 * * * * manage.py send_reminders`."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"queued={reminders_send()}")
