"""Editions as wholes: one from its data file (program/editions/), the next one copied from
this one, and the demo's reset.

Never undoes organisers' work: an edition that exists is left as it is (program.services,
catering.services); capacities and seats change only through registration.services.
`edition_reset` replaces an edition on purpose (the demo's `--reset`).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation

from catering.models import CateringOffer
from catering.services import catering_offer_load
from program.models import Edition
from program.services import ProgramLoad, edition_program_load
from registration.models import Registration

from .errors import EditionError


def edition_load(
    *,
    data: dict[str, Any],
    make_current: bool = True,
    upcoming: bool = False,
    fill_translations: bool = False,
    now: dt.datetime | None = None,
) -> ProgramLoad:
    """Create the edition from the file unless it is there; see program.services (the catering
    offer has no translated texts to fill)."""
    with transaction.atomic():
        loaded = edition_program_load(
            data=data,
            make_current=make_current,
            upcoming=upcoming,
            fill_translations=fill_translations,
            now=now,
        )
        if loaded.created and "catering" in data:
            catering_offer_load(edition=loaded.edition, spec=data["catering"], shift=loaded.shift)
    return loaded


def edition_reset(*, number: int) -> int:
    """Delete the edition with everything of it, its people included (their bookings, catering,
    mails go with them; no waiting list is left to keep in order). Returns the registrations
    deleted. Only for demo data: nothing of it can be brought back."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().filter(number=number).first()
        if edition is None:
            return 0
        _, by_model = Registration.objects.filter(edition=edition).delete()
        CateringOffer.objects.filter(edition=edition).delete()  # it holds one of the days
        edition.delete()
    return by_model.get(Registration._meta.label, 0)


def edition_copy(
    *, edition: Edition, number: int, starts_on: dt.date, now: dt.datetime | None = None
) -> Edition:
    """Prepare the next edition from `edition`: its texts (both languages), days, program items
    (not the cancelled ones), the questions it asks on the form (not the ones turned off, nor
    those about a cancelled item) with their choices,
    organisations and links, and its catering offer with the free-ticket quota, every date moved
    to start on `starts_on`; no people, no seats taken. It is not current: nobody sees it or
    registers until the organisers check it and make it current (the registration dates are moved
    too, as a proposal)."""
    now = now or timezone.now()
    if starts_on <= timezone.localdate(now):
        raise EditionError("starts_in_the_past", date=starts_on)
    shift = starts_on - edition.starts_on
    # Each translated text is copied in both its columns; the untranslated column follows Polish.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        if Edition.objects.filter(number=number).exists():
            raise EditionError("number_taken", number=number)
        copy = _copied(
            edition,
            number=number,
            is_current=False,
            **_moved(
                edition, shift, "starts_on", "ends_on", "registration_opens_at", "registration_closes_at"
            ),
            **_moved(edition, shift, "changes_close_at"),
        )
        days = {day.pk: _copied(day, edition=copy, date=day.date + shift) for day in edition.days.all()}
        for link in edition.links.all():
            _copied(link, edition=copy)
        for role in edition.roles.all():
            _copied(role, edition=copy)
        items = {}
        for item in edition.items.filter(cancelled_at__isnull=True).prefetch_related("hosts"):
            new_item = items[item.pk] = _copied(
                item, edition=copy, **_moved(item, shift, "starts_at", "ends_at")
            )
            new_item.hosts.set(item.hosts.all())
        for question in edition.questions.filter(is_active=True).prefetch_related("choices"):
            if question.item_id is not None and question.item_id not in items:
                continue  # asked about a cancelled item
            day, item = days.get(question.day_id), items.get(question.item_id)
            new_question = _copied(question, edition=copy, day=day, item=item)
            for choice in question.choices.all():
                _copied(choice, question=new_question)
        offer = CateringOffer.objects.filter(edition=edition).first()
        if offer is not None:
            _copied(offer, edition=copy, day=days[offer.day_id])
    return copy


# What is copied: every column an organiser edits. Columns that are not editable are the ones the
# services keep (seats taken, waiting-list lengths, catering counters) and start at their defaults.
def _copied(instance: models.Model, **values):
    model = type(instance)
    concrete = model._meta.concrete_fields
    names = {field.name for field in concrete}
    fields = {
        field.attname: getattr(instance, field.attname)
        for field in concrete
        if field.editable
        and not field.primary_key
        and field.name not in values
        and not any(f"{field.name}_{code}" in names for code, _ in settings.LANGUAGES)
    }
    return model.objects.create(**fields, **values)


def _moved(instance: models.Model, shift: dt.timedelta, *names: str) -> dict:
    """The dates and times moved by whole days; times stay the same local time across DST."""
    moved = {}
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value)
            value = timezone.make_aware(local.replace(tzinfo=None) + shift)
        elif value is not None:
            value = value + shift
        moved[name] = value
    return moved
