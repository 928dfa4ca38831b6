"""Changes to the program: an edition's program from its data file.

Organisers' data is sacred: a file creates an edition that is not there yet and never touches one
that is (its number says which), except, when asked, to fill in English texts left empty there.
Adding what a file adds to an edition that exists cannot tell a row the organisers deleted or moved
from one never loaded, so it is not done. Capacities and seats are registration's; the catering
offer is the catering's (backoffice.editions loads the edition).

A file holds each translated text in Polish under the field's name and in English beside it, with
`_en` added: `"title"` and `"title_en"`.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from modeltranslation.translator import translator

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
    translations_filled: int = 0  # English texts written into an edition that was there


def edition_program_load(
    *,
    data: dict[str, Any],
    make_current: bool = True,
    upcoming: bool = False,
    fill_translations: bool = False,
    now: dt.datetime | None = None,
) -> ProgramLoad:
    """Create the edition and its program from a data file's contents, unless an edition with its
    number exists: that one is left exactly as it is, or, with `fill_translations`, only given
    the file's English texts where its own are empty (see `_english_fill`).

    With `upcoming`, the dates move by whole years to the next occurrence after `now` and
    registration is open from `now`: a demo a newcomer can sign up for today.
    """
    now = now or timezone.now()
    # Plain field names write the Polish columns; the file's `<field>_en` keys the English ones.
    with transaction.atomic(), translation.override("pl"):
        spec = dict(data["edition"])
        number = spec.pop("number")
        edition = Edition.objects.filter(number=number).first()
        if edition is not None:
            shift = Shift(edition.starts_on.year - parse_date(spec["starts_on"]).year)
            filled = _english_fill(edition, data, shift) if fill_translations else 0
            if filled:
                edition.refresh_from_db()
            return ProgramLoad(edition=edition, created=False, shift=shift, translations_filled=filled)
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
    organisations: dict[str, Organisation] = {}  # one lookup per name, however many items it hosts

    def organisation(name: str, url: str = "") -> Organisation:
        if name not in organisations:
            organisations[name] = Organisation.objects.get_or_create(name=name, defaults={"url": url})[0]
        return organisations[name]

    for order, link in enumerate(data.get("links", [])):
        EditionLink.objects.create(
            edition=edition, url=link["url"], label=link["label"], order=order, **_english(EditionLink, link)
        )
    for day in data.get("days", []):
        ConferenceDay.objects.create(
            edition=edition,
            date=shift.date(day["date"]),
            title=day["title"],
            hours=day.get("hours", ""),
            **_english(ConferenceDay, day),
        )
    for order, role in enumerate(data.get("roles", [])):
        EditionRole.objects.create(
            edition=edition,
            organisation=organisation(role["organisation"], url=role.get("url", "")),
            role=role["role"],
            note=role.get("note", ""),
            order=order,
            **_english(EditionRole, role),
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
            **_english(ProgramItem, item_spec),
        )
        # A new item has no hosts to compare with: added, not set (one read fewer per item).
        item.hosts.add(*(organisation(name) for name in item_spec.get("hosts", [])))


def _translated_fields(model) -> list[str]:
    return translator.get_options_for_model(model).get_field_names()


def _english(model, spec: dict[str, Any]) -> dict[str, str]:
    """The English columns of the texts the file gives in English (the edition's own `spec`
    passes its `_en` keys as they are)."""
    return {f"{name}_en": spec[f"{name}_en"] for name in _translated_fields(model) if f"{name}_en" in spec}


def _english_fill(edition: Edition, data: dict[str, Any], shift: Shift) -> int:
    """Write the file's English texts into an edition loaded before the file had them. A row is
    found as the file names it (a day by its date, a link by its address, a role by organisation
    and role, an item by slug); one the organisers moved or deleted is not, and gets nothing.

    The rows are locked first (`FOR NO KEY UPDATE`: sign-ups may still point new rows at them), so
    an organiser's save waits and then wins: their text is never replaced. Returns the texts written.
    """

    def locked(queryset):
        return list(queryset.select_for_update(no_key=True).order_by("pk"))

    [edition] = locked(Edition.objects.filter(pk=edition.pk))
    days = {day.date: day for day in locked(edition.days.all())}
    links = {link.url: link for link in locked(edition.links.all())}
    roles = {
        (role.organisation.name, role.role): role
        for role in locked(edition.roles.select_related("organisation"))
    }
    # Items last and in pk order, as sign-ups lock them (rank 2 of docs/locking.md).
    items = {item.slug: item for item in locked(edition.items.all())}
    pairs = [(edition, data["edition"])]
    pairs += [(days.get(shift.date(spec["date"])), spec) for spec in data.get("days", [])]
    pairs += [(links.get(spec["url"]), spec) for spec in data.get("links", [])]
    pairs += [(roles.get((spec["organisation"], spec["role"])), spec) for spec in data.get("roles", [])]
    pairs += [(items.get(spec["slug"]), spec) for spec in data["items"]]
    return sum(_english_fill_row(row, spec) for row, spec in pairs if row is not None)


def _english_fill_row(row, spec: dict[str, Any]) -> int:
    """Only where the row's English is empty and its Polish is still the file's: an English text
    never stands beside a Polish one the organisers rewrote, which it would not translate."""
    names = [
        name
        for name in _translated_fields(type(row))
        if spec.get(f"{name}_en")
        and not getattr(row, f"{name}_en")
        and getattr(row, f"{name}_pl") == spec.get(name, "")
    ]
    for name in names:
        setattr(row, f"{name}_en", spec[f"{name}_en"])
    if names:
        row.save(update_fields=[f"{name}_en" for name in names])  # its signals drop the cached pages
    return len(names)
