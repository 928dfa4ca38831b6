"""After the sign-up run: no item overbooked, every waiting list numbered 1..n without gaps, the
counters equal to the bookings. `manage.py shell < bench/check.py`; exits 1 on a violation."""

import sys

from django.db.models import Count, Q

from program.models import ProgramItem

problems = []
for item in ProgramItem.objects.filter(capacity__isnull=False).annotate(
    confirmed=Count("bookings", filter=Q(bookings__status="confirmed")),
    waitlisted=Count("bookings", filter=Q(bookings__status="waitlisted")),
):
    positions = sorted(item.bookings.filter(status="waitlisted").values_list("waitlist_position", flat=True))
    if item.confirmed > item.capacity:
        problems.append(f"{item.slug}: {item.confirmed} seats taken > capacity {item.capacity}")
    if positions != list(range(1, len(positions) + 1)):
        problems.append(f"{item.slug}: waiting positions not gapless")
    if (item.seats_taken, item.waitlist_length) != (item.confirmed, item.waitlisted):
        problems.append(f"{item.slug}: counters {item.seats_taken}/{item.waitlist_length} ≠ bookings")
print("\n".join(problems) or "consistent: no overbooking, gapless waiting lists, counters match")
sys.exit(1 if problems else 0)
