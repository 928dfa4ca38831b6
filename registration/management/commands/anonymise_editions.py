from django.conf import settings
from django.core.management.base import BaseCommand

from registration import retention


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of editions that ended more than --days days ago "
        "(default RETENTION_DAYS). Counts per edition, day, voivodeship and organisation type stay. "
        "Meant for a daily cron job."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Default: RETENTION_DAYS (365).")
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be anonymised.")

    def handle(self, *args, days, dry_run, **options):
        days = settings.RETENTION_DAYS if days is None else days
        total = 0
        for edition in retention.editions_past_retention(days=days):
            if dry_run:
                count = retention.registrations_to_anonymise(edition).count()
                self.stdout.write(
                    f"Would anonymise {count} registrations of {edition} (ended {edition.ends_on})."
                )
            else:
                count = retention.edition_anonymise(edition=edition)
                self.stdout.write(f"Anonymised {count} registrations of {edition} (ended {edition.ends_on}).")
            total += count
        verb = "Would anonymise" if dry_run else "Anonymised"
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} registrations in all (kept for {days} days)."))
