"""Changes to the program: loading an edition from its data file."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

from .models import (
    CATERING_SETTINGS,
    CateringOffer,
    ConferenceDay,
    Edition,
    EditionLink,
    EditionRole,
    Organisation,
    ProgramItem,
)

EDITIONS_DIR = Path(__file__).resolve().parent / "editions"


def _years_until_upcoming(starts_on: dt.date, today: dt.date) -> int:
    """Whole years to add so that the edition starts after `today` (0 if it already does)."""
    years = 0
    while starts_on.replace(year=starts_on.year + years) <= today:
        years += 1
    return years


class _Shift:
    """Moves the file's dates by whole years (same day and month), and reads them as local time."""

    def __init__(self, years: int):
        self.years = years

    def date(self, value: str) -> dt.date:
        parsed = parse_date(value)
        return parsed.replace(year=parsed.year + self.years)

    def datetime(self, value: str) -> dt.datetime:
        parsed = parse_datetime(value)
        parsed = parsed.replace(year=parsed.year + self.years)
        return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def edition_load(
    *, data: dict[str, Any], make_current: bool = True, upcoming: bool = False, now: dt.datetime | None = None
) -> Edition:
    """Create or update an edition and its program from a data file's contents. Idempotent:
    objects are matched by natural keys (edition number, day date, item slug, organisation name).

    With `upcoming`, dates move by whole years to the next occurrence after `now`, and
    registration is open from `now` — a demo a newcomer can sign up for today.
    """
    # The data files are in Polish: write the Polish columns of translated fields.
    with transaction.atomic(), translation.override("pl"):
        return _edition_load(
            data=data, make_current=make_current, upcoming=upcoming, now=now or timezone.now()
        )


def _edition_load(*, data, make_current, upcoming, now) -> Edition:
    spec = dict(data["edition"])
    shift = _Shift(_years_until_upcoming(parse_date(spec["starts_on"]), now.date()) if upcoming else 0)

    for key in ("starts_on", "ends_on"):
        spec[key] = shift.date(spec[key])
    for key in ("registration_opens_at", "registration_closes_at"):
        spec[key] = shift.datetime(spec[key])
    if upcoming:
        spec["registration_opens_at"] = min(spec["registration_opens_at"], now)
        spec["registration_closes_at"] = max(
            spec["registration_closes_at"],
            timezone.make_aware(dt.datetime.combine(spec["starts_on"], dt.time())),
        )

    number = spec.pop("number")
    if make_current:
        Edition.objects.filter(is_current=True).exclude(number=number).update(is_current=False)
        spec["is_current"] = True
    edition, _ = Edition.objects.update_or_create(number=number, defaults=spec)

    for order, link in enumerate(data.get("links", [])):
        EditionLink.objects.update_or_create(
            edition=edition, url=link["url"], defaults={"label": link["label"], "order": order}
        )
    for day in data.get("days", []):
        ConferenceDay.objects.update_or_create(
            edition=edition,
            date=shift.date(day["date"]),
            defaults={"title": day["title"], "hours": day.get("hours", "")},
        )
    for order, role in enumerate(data.get("roles", [])):
        organisation = _organisation(role["organisation"], url=role.get("url", ""))
        EditionRole.objects.update_or_create(
            edition=edition,
            organisation=organisation,
            role=role["role"],
            defaults={"note": role.get("note", ""), "order": order},
        )
    assumption = data.get("assumption_defaults", "")
    for item_spec in data["items"]:
        item, _ = ProgramItem.objects.update_or_create(
            edition=edition,
            slug=item_spec["slug"],
            defaults={
                "kind": item_spec["kind"],
                "title": item_spec["title"],
                "description": item_spec.get("description", ""),
                "place": item_spec.get("place", ""),
                "address": item_spec.get("address", ""),
                "starts_at": shift.datetime(item_spec["starts_at"]),
                "ends_at": shift.datetime(item_spec["ends_at"]),
                "capacity": item_spec.get("capacity"),
                "assumptions": assumption if item_spec.get("assumed") else "",
            },
        )
        item.hosts.set([_organisation(name) for name in item_spec.get("hosts", [])])
    if "catering" in data:
        _catering_load(edition, data["catering"], shift)
    return edition


def _catering_load(edition: Edition, spec: dict[str, Any], shift: _Shift) -> None:
    """The catering settings; the counters are left alone, so reloading keeps what people took."""
    offer = CateringOffer(
        edition=edition,
        day=ConferenceDay.objects.get(edition=edition, date=shift.date(spec["day"])),
        price=Decimal(spec["price"]),
        capacity=spec["capacity"],
        free_ticket_quota=spec.get("free_ticket_quota", 0),
        account_holder=spec["account_holder"],
        account_number=spec["account_number"],
        recipient_nip=spec.get("recipient_nip", ""),
        payment_days=spec.get("payment_days", 7),
        reminder_days=spec.get("reminder_days", 2),
        assumptions=spec.get("assumptions", ""),
    )
    offer.clean()
    offer.full_clean(exclude=["edition"], validate_unique=False, validate_constraints=False)
    settings = {name: getattr(offer, name) for name in CATERING_SETTINGS}
    CateringOffer.objects.update_or_create(edition=edition, defaults=settings)


def _organisation(name: str, url: str = "") -> Organisation:
    organisation, created = Organisation.objects.get_or_create(name=name, defaults={"url": url})
    if url and not created and organisation.url != url:
        organisation.url = url
        organisation.save(update_fields=["url"])
    return organisation
