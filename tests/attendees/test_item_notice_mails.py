"""What the notices of a changed or cancelled item say, in the person's language and time zone."""

import datetime as dt

import pytest
from django.utils import timezone

from attendees.emails import mail_message
from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration import services
from registration.models import Registration
from tests.factories import sign_up
from tests.registration.test_item_notices import as_is

pytestmark = pytest.mark.django_db

WARSAW_START = dt.datetime(2026, 11, 29, 15, 30)  # the year is the upcoming edition's


def in_language(registration: Registration, language: str) -> Registration:
    Registration.objects.filter(pk=registration.pk).update(language=language)
    return registration


def change(item: ProgramItem, **changes):
    return services.item_change(item=item, **as_is(item, **changes))


def notice(registration: Registration, kind: str):
    return mail_message(registration.mails.get(kind=kind))


@pytest.fixture
def seated_and_waiting(edition, visit):
    services.item_set_capacity(item=visit, capacity=1)
    visit.refresh_from_db()
    return sign_up(edition, [visit]), sign_up(edition, [visit])


@pytest.fixture
def moved(visit, seated_and_waiting):
    """The visit moved to 15:30–17:00 Warsaw time, to room “Sala B” / “Room B”."""
    start = timezone.make_aware(WARSAW_START.replace(year=visit.starts_at.year))
    change(
        visit,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=90),
        place={"pl": "Sala B", "en": "Room B"},
    )
    return seated_and_waiting


class TestItemChanged:
    def test_english_old_and_new_values_in_the_sites_time_zone(self, visit, moved):
        seated, _waiting = moved
        old, new = (
            timezone.localtime(visit.starts_at),
            timezone.localtime(ProgramItem.objects.get(pk=visit.pk).starts_at),
        )
        message = notice(in_language(seated, "en"), OutgoingMail.Kind.ITEM_CHANGED)

        assert message.subject == f"Program change: {visit.title_en}"
        assert f"the organisers have changed “{visit.title_en}”, which you signed up for:" in message.body
        old_when = f"{old:%A}, {old.day} {old:%B %Y, %H:%M}–{timezone.localtime(visit.ends_at):%H:%M}"
        assert f"– When: {old_when} → {new:%A}, 29 November {new.year}, 15:30–17:00" in message.body
        assert f"– Place: {visit.place_en} → Room B" in message.body
        assert "Your seat stays yours." in message.body
        html = message.alternatives[0][0]
        assert "<br>– Place: " in html and "→ Room B" in html
        # The updated ticket goes with it.
        # The ticket and the updated calendar.
        assert [attachment[2] for attachment in message.attachments] == [
            "application/pdf",
            "text/calendar; method=PUBLISH",
        ]

    def test_polish_for_a_person_on_the_waiting_list(self, visit, moved):
        _seated, waiting = moved
        message = notice(waiting, OutgoingMail.Kind.ITEM_CHANGED)  # Polish: the default

        assert message.subject == f"Zmiana w programie: {visit.title_pl}"
        opening = f"Organizatorzy zmienili punkt programu „{visit.title_pl}”, na który masz zapis:"
        assert opening in message.body
        assert "– Kiedy: " in message.body
        assert f", 29 listopada {visit.starts_at.year}, 15:30–17:00\n" in message.body
        assert f"– Miejsce: {visit.place_pl} → Sala B" in message.body
        assert "Nadal jesteś na liście rezerwowej, na miejscu 1." in message.body
        assert "Twoje miejsce pozostaje Twoje" not in message.body

    def test_a_confirmed_clash_is_named(self, edition, visit, evening):
        person = in_language(sign_up(edition, [visit, evening]), "en")
        change(visit, starts_at=evening.starts_at, ends_at=evening.ends_at, confirm_clashes=True)

        message = notice(person, OutgoingMail.Kind.ITEM_CHANGED)
        assert (
            f"It now overlaps “{evening.title_en}”, which you also signed up for: please keep only one "
            "of them through the link below."
        ) in message.body


class TestItemCancelled:
    @pytest.mark.parametrize(
        ("language", "subject", "seat", "place", "reason"),
        [
            (
                "en",
                "Cancelled: ",
                "Your seat on it has been released.",
                "Your place on its waiting list has been released.",
                "The organisers' reason: ",
            ),
            (
                "pl",
                "Odwołane: ",
                "Twoje miejsce zostało zwolnione.",
                "Twoje miejsce na liście rezerwowej zostało zwolnione.",
                "Powód podany przez organizatorów: ",
            ),
        ],
    )
    def test_says_the_place_was_released_and_why(
        self, visit, seated_and_waiting, language, subject, seat, place, reason
    ):
        seated, waiting = (in_language(person, language) for person in seated_and_waiting)
        services.item_cancel(item=visit, reason="Przewodnik zachorował")

        to_seated = notice(seated, OutgoingMail.Kind.ITEM_CANCELLED)
        to_waiting = notice(waiting, OutgoingMail.Kind.ITEM_CANCELLED)

        title = getattr(visit, f"title_{language}")
        assert to_seated.subject == f"{subject}{title}"
        assert seat in to_seated.body and place not in to_seated.body
        assert place in to_waiting.body
        assert reason in to_seated.body and "Przewodnik zachorował”." in to_seated.body
        # The item is gone from the person's program at the foot of the mail.
        assert f"{title}:" not in to_seated.body

    def test_without_a_reason_none_is_mentioned(self, visit, seated_and_waiting):
        seated = in_language(seated_and_waiting[0], "en")
        services.item_cancel(item=visit)
        assert "reason" not in notice(seated, OutgoingMail.Kind.ITEM_CANCELLED).body
