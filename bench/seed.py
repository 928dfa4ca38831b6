"""Synthetic sign-ups for the benchmark, written in bulk: `manage.py shell < bench/seed.py`
(BENCH_REGISTRATIONS, default 5000). With BENCH_ITEMS above the edition's own items (24), the
rest are added: every other one limited (20–120 seats), the others open, each with a host, spread
over the days in 90-minute slots. Every limited item except the hot one gets bookings up to its
capacity and then a waiting list; the counters on ProgramItem are set from the bookings."""

import datetime as dt
import itertools
import os
import random
import uuid

from django.db import transaction
from django.utils import timezone

from program.models import Edition, Organisation, ProgramItem
from program.selectors import bump_program_version
from registration.models import Booking, Consent, DayAttendance, Registration
from registration.services import check_clashes

COUNT = int(os.environ.get("BENCH_REGISTRATIONS", "5000"))
ITEMS = int(os.environ.get("BENCH_ITEMS", "0"))
HOT_SLUG = os.environ["BENCH_HOT_SLUG"]
rng = random.Random(8)  # the same data every run

edition = Edition.objects.current()
days = list(edition.days.all())


def add_items(count: int) -> None:
    """`count` more items, round-robin over the days and five rooms, 9:00 to 18:00."""
    hosts = list(Organisation.objects.all())
    slots = itertools.product(range(6), range(5), days)  # slot of the day, room, day
    items = []
    for n, (slot, room, day) in zip(range(1, count + 1), itertools.cycle(slots), strict=False):
        starts_at = timezone.make_aware(
            dt.datetime.combine(day.date, dt.time(9)) + dt.timedelta(minutes=90 * slot)
        )
        title = f"{'Warsztat' if n % 2 else 'Panel'} {n}"
        items.append(
            ProgramItem(
                edition=edition,
                slug=f"bench-{n}",
                kind=ProgramItem.Kind.WORKSHOP if n % 2 else ProgramItem.Kind.PANEL,
                title_pl=title,
                title_en=title,
                description_pl=f"Opis {n}. " * 20,
                place_pl=f"Sala {room + 1}",
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=75),
                capacity=rng.randint(20, 120) if n % 2 else None,
            )
        )
    ProgramItem.objects.bulk_create(items)
    ProgramItem.hosts.through.objects.bulk_create(
        ProgramItem.hosts.through(programitem=item, organisation=hosts[n % len(hosts)])
        for n, item in enumerate(items)
    )


with transaction.atomic():
    add_items(ITEMS - edition.items.count())

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

print(
    f"seeded {len(registrations)} registrations, {len(bookings)} bookings on "
    f"{edition.items.count()} items ({len(limited) + 1} limited)"
)
