"""Changes to the program: an edition's program from its data file.

Organisers' data is sacred: a file creates what is not there yet and never changes a row that is
(the edition, its days, links, roles and items are matched by their natural keys). Capacities and
seats are registration's; the catering offer is the catering's (backoffice.editions loads all three).
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
    created: bool  # False: the edition was there; only what it lacked was added
    added: int  # days, links, roles and items added
    shift: Shift  # how the file's dates were moved


def edition_program_load(
    *, data: dict[str, Any], make_current: bool = True, upcoming: bool = False, now: dt.datetime | None = None
) -> ProgramLoad:
    """Create the edition and its program from a data file's contents, or add to an edition that
    exists what the file has and it lacks. Nothing that exists is changed.

    With `upcoming`, a new edition's dates move by whole years to the next occurrence after `now`
    and registration is open from `now`: a demo a newcomer can sign up for today. An edition that
    exists keeps its dates; what is added to it moves by the same years as it did.
    """
    now = now or timezone.now()
    # The data files are in Polish: write the Polish columns of translated fields.
    with transaction.atomic(), translation.override("pl"):
        spec = dict(data["edition"])
        number = spec.pop("number")
        edition = Edition.objects.filter(number=number).first()
        if edition is not None:
            shift = Shift(edition.starts_on.year - parse_date(spec["starts_on"]).year)
            return ProgramLoad(
                edition=edition, created=False, added=_program_add(edition, data, shift), shift=shift
            )
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
        return ProgramLoad(
            edition=edition, created=True, added=_program_add(edition, data, shift), shift=shift
        )


def _program_add(edition: Edition, data: dict[str, Any], shift: Shift) -> int:
    """Add the file's days, links, roles and items the edition lacks; returns how many."""
    added = 0
    for order, link in enumerate(data.get("links", [])):
        added += EditionLink.objects.get_or_create(
            edition=edition, url=link["url"], defaults={"label": link["label"], "order": order}
        )[1]
    for day in data.get("days", []):
        added += ConferenceDay.objects.get_or_create(
            edition=edition,
            date=shift.date(day["date"]),
            defaults={"title": day["title"], "hours": day.get("hours", "")},
        )[1]
    for order, role in enumerate(data.get("roles", [])):
        added += EditionRole.objects.get_or_create(
            edition=edition,
            organisation=_organisation(role["organisation"], url=role.get("url", "")),
            role=role["role"],
            defaults={"note": role.get("note", ""), "order": order},
        )[1]
    assumption = data.get("assumption_defaults", "")
    existing = set(edition.items.values_list("slug", flat=True))
    for item_spec in data["items"]:
        if item_spec["slug"] in existing:
            continue
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
        added += 1
    return added


def _organisation(name: str, url: str = "") -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"url": url})[0]
