"""An edition from its data file (program/editions/): the program, then the catering offer.

Never undoes organisers' work: an edition that exists is left as it is (program.services,
catering.services); capacities and seats change only through registration.services.
`edition_reset` replaces an edition on purpose (the demo's `--reset`).
"""

import datetime as dt
from typing import Any

from django.db import transaction

from catering.models import CateringOffer
from catering.services import catering_offer_load
from program.models import Edition
from program.services import ProgramLoad, edition_program_load
from registration.models import Registration


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
