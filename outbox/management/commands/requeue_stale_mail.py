from django.conf import settings
from django.core.management.base import BaseCommand

from outbox.services import mail_requeue_stale


class Command(BaseCommand):
    help = (
        "Queue again the mails whose worker was killed mid-job (older than MAIL_STALE_MINUTES with no "
        "live task). Safe to run at any time and from any machine; run it from cron every few minutes "
        "and before each worker starts."
    )

    def handle(self, *args, **options):
        requeued = mail_requeue_stale()
        self.stdout.write(
            f"Queued {len(requeued)} stale mails again (stale after {settings.MAIL_STALE_MINUTES} minutes)."
        )
