"""Changes to the program: an edition's program from its data file.

Organisers' data is sacred: a file creates an edition that is not there yet and never touches one
that is (its number says which). Adding what a file adds to an edition that exists cannot tell a
row the organisers deleted or moved from one never loaded, so it is not done. Capacities and seats
are registration's; the catering offer is the catering's (backoffice.editions loads the edition).
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

from .models import (
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


class Shift:
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


@dataclass(frozen=True)
class ProgramLoad:
    edition: Edition
    created: bool  # False: the edition was there and was left as it is
    shift: Shift  # how the file's dates were moved


def edition_program_load(
    *, data: dict[str, Any], make_current: bool = True, upcoming: bool = False, now: dt.datetime | None = None
) -> ProgramLoad:
    """Create the edition and its program from a data file's contents, unless an edition with its
    number exists: that one is left exactly as it is.

    With `upcoming`, the dates move by whole years to the next occurrence after `now` and
    registration is open from `now`: a demo a newcomer can sign up for today.
    """
    now = now or timezone.now()
    # The data files are in Polish: write the Polish columns of translated fields.
    with transaction.atomic(), translation.override("pl"):
        spec = dict(data["edition"])
        number = spec.pop("number")
        edition = Edition.objects.filter(number=number).first()
        if edition is not None:
            shift = Shift(edition.starts_on.year - parse_date(spec["starts_on"]).year)
            return ProgramLoad(edition=edition, created=False, shift=shift)
        shift = Shift(_years_until_upcoming(parse_date(spec["starts_on"]), now.date()) if upcoming else 0)
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
        if make_current:
            Edition.objects.filter(is_current=True).update(is_current=False)
            spec["is_current"] = True
        edition = Edition.objects.create(number=number, **spec)
        _program_create(edition, data, shift)
        return ProgramLoad(edition=edition, created=True, shift=shift)


def edition_make_current(*, edition: Edition) -> Edition:
    """Publish `edition`: the public site shows it and registers for it from now on. The
    management links of the others keep working for their own edition."""
    with transaction.atomic():
        Edition.objects.filter(is_current=True).exclude(pk=edition.pk).update(is_current=False)
        edition.is_current = True
        edition.save(update_fields=["is_current"])  # its signal drops the cached current edition
    return edition


def _program_create(edition: Edition, data: dict[str, Any], shift: Shift) -> None:
    for order, link in enumerate(data.get("links", [])):
        EditionLink.objects.create(edition=edition, url=link["url"], label=link["label"], order=order)
    for day in data.get("days", []):
        ConferenceDay.objects.create(
            edition=edition, date=shift.date(day["date"]), title=day["title"], hours=day.get("hours", "")
        )
    for order, role in enumerate(data.get("roles", [])):
        EditionRole.objects.create(
            edition=edition,
            organisation=_organisation(role["organisation"], url=role.get("url", "")),
            role=role["role"],
            note=role.get("note", ""),
            order=order,
        )
    assumption = data.get("assumption_defaults", "")
    for item_spec in data["items"]:
        item = ProgramItem.objects.create(
            edition=edition,
            slug=item_spec["slug"],
            kind=item_spec["kind"],
            title=item_spec["title"],
            description=item_spec.get("description", ""),
            place=item_spec.get("place", ""),
            address=item_spec.get("address", ""),
            starts_at=shift.datetime(item_spec["starts_at"]),
            ends_at=shift.datetime(item_spec["ends_at"]),
            # A new item has no seats taken yet: its capacity is a setting, not a change of one.
            capacity=item_spec.get("capacity"),
            assumptions=assumption if item_spec.get("assumed") else "",
        )
        item.hosts.set([_organisation(name) for name in item_spec.get("hosts", [])])


def _organisation(name: str, url: str = "") -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"url": url})[0]
