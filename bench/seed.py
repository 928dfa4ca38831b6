"""Synthetic sign-ups for the benchmark, written in bulk: `manage.py shell < bench/seed.py`
(BENCH_REGISTRATIONS, default 5000). Every limited item except the hot one gets bookings up to
its capacity and then a waiting list; the counters on ProgramItem are set from the bookings."""

import os
import random
import uuid

from django.db import transaction

from program.models import Edition, ProgramItem
from program.selectors import bump_program_version
from registration.models import Booking, Consent, DayAttendance, Registration
from registration.services import check_clashes

COUNT = int(os.environ.get("BENCH_REGISTRATIONS", "5000"))
HOT_SLUG = os.environ["BENCH_HOT_SLUG"]
rng = random.Random(8)  # the same data every run

edition = Edition.objects.current()
days = list(edition.days.all())
limited = list(edition.items.filter(capacity__isnull=False).exclude(slug=HOT_SLUG).order_by("starts_at"))

with transaction.atomic():
    registrations = Registration.objects.bulk_create(
        Registration(
            edition=edition,
            submission_key=uuid.uuid4(),
            first_name=f"Imię{n}",
            last_name=f"Nazwisko{n}",
            email=f"seed{n}@example.com",
            town="Kraków",
            voivodeship="lesser_poland",
            organisation_name=f"Stowarzyszenie {n % 300}",
            organisation_type=rng.choice(Registration.OrganisationType.values),
            language=rng.choice(["pl", "en"]),
        )
        for n in range(COUNT)
    )
    DayAttendance.objects.bulk_create(
        DayAttendance(registration=r, day=day) for r in registrations for day in days if rng.random() < 0.8
    )
    Consent.objects.bulk_create(
        Consent(registration=r, kind=kind, granted=kind in ("terms", "privacy"), text_version="2023")
        for r in registrations
        for kind in Consent.Kind.values
    )
    taken = {item.pk: 0 for item in limited}
    waiting = {item.pk: 0 for item in limited}
    bookings = []
    for registration in registrations:
        chosen = rng.sample(limited, k=min(2, len(limited)))
        try:
            check_clashes(chosen)
        except Exception:
            chosen = chosen[:1]
        for item in chosen:
            if taken[item.pk] < item.capacity:
                taken[item.pk] += 1
                bookings.append(Booking(registration=registration, item=item, status="confirmed"))
            else:
                waiting[item.pk] += 1
                bookings.append(
                    Booking(
                        registration=registration,
                        item=item,
                        status="waitlisted",
                        waitlist_position=waiting[item.pk],
                    )
                )
    Booking.objects.bulk_create(bookings, batch_size=2000)
    for item in limited:
        item.seats_taken, item.waitlist_length = taken[item.pk], waiting[item.pk]
    ProgramItem.objects.bulk_update(limited, ["seats_taken", "waitlist_length"])
    transaction.on_commit(bump_program_version)

print(f"seeded {len(registrations)} registrations, {len(bookings)} bookings")
