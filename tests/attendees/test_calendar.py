"""The person's calendar: the download on the management page and the file on their e-mails."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from attendees.emails import CALENDAR_FILENAME, mail_message
from outbox.models import OutgoingMail
from registration import services
from tests.factories import sign_up, warm_shared_copies

pytestmark = pytest.mark.django_db

Kind = OutgoingMail.Kind


def calendar_url(registration) -> str:
    return reverse(
        "registration:calendar",
        kwargs={"public_id": registration.public_id, "token": registration.manage_token},
    )


def uids(body: bytes) -> list[str]:
    return [str(event["uid"]) for event in Calendar.from_ical(body).walk("VEVENT")]


def day_uid(day) -> str:
    return f"edition-{day.edition_id}-day-{day.pk}@miejsca-otwarte"


def item_uid(item) -> str:
    return f"item-{item.pk}@miejsca-otwarte"


def calendar_attachment(registration, kind: str):
    """The calendar file on the person's latest mail of `kind`, or None; and the message."""
    message = mail_message(registration.mails.filter(kind=kind).latest("pk"))
    files = [content for filename, content, _ in message.attachments if filename == CALENDAR_FILENAME]
    return (files[0] if files else None), message


class TestDownload:
    def test_someone_registered_for_the_second_day_only_gets_that_day(self, client, edition, second_day):
        registration = sign_up(edition, days=[second_day])

        response = client.get(calendar_url(registration))

        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert uids(response.content) == [day_uid(second_day)]

    def test_both_days_and_only_the_confirmed_items(
        self, client, edition, first_day, second_day, visit, evening
    ):
        visit.capacity = 1
        visit.save()
        sign_up(edition, [visit])
        registration = sign_up(edition, [visit, evening], days=[first_day, second_day])  # waits for the visit

        body = client.get(calendar_url(registration)).content

        assert uids(body) == [day_uid(first_day), day_uid(second_day), item_uid(evening)]

    def test_it_follows_a_change_of_items(self, client, edition, visit, evening):
        registration = sign_up(edition, [visit])
        services.registration_change_items(registration=registration, item_ids=[evening.pk])

        body = client.get(calendar_url(registration)).content

        assert item_uid(evening) in uids(body)
        assert item_uid(visit) not in uids(body)

    def test_a_cancelled_person_gets_an_empty_calendar(self, client, edition, visit):
        registration = sign_up(edition, [visit])
        services.registration_cancel(registration=registration)

        assert uids(client.get(calendar_url(registration)).content) == []

    def test_query_count_does_not_grow_with_the_items(self, client, edition, django_assert_max_num_queries):
        apart = []  # every limited item that clashes with none taken before it
        for item in edition.items.filter(capacity__isnull=False).order_by("starts_at"):
            if not any(item.overlaps(taken) for taken in apart):
                apart.append(item)
        few = sign_up(edition, apart[:1])
        many = sign_up(edition, apart, days=list(edition.days.all()))
        assert many.bookings.count() >= 3

        # the registration, its bookings with their items, its days, the items' hosts
        warm_shared_copies(edition)
        for registration in (few, many):
            with django_assert_max_num_queries(4):
                assert client.get(calendar_url(registration)).status_code == 200


class TestMailAttachment:
    def test_the_confirmation_carries_the_calendar_beside_the_ticket(self, edition, first_day, visit):
        registration = sign_up(edition, [visit])

        body, message = calendar_attachment(registration, Kind.CONFIRMATION)

        assert uids(body) == [day_uid(first_day), item_uid(visit)]
        assert [mimetype for *_, mimetype in message.attachments] == [
            "application/pdf",
            "text/calendar; method=PUBLISH",
        ]
        part = next(p for p in message.message().walk() if p.get_content_type() == "text/calendar")
        assert part.get_param("method") == "PUBLISH"
        assert part.get_filename() == "my-program.ics"

    def test_a_change_carries_the_new_calendar(self, edition, first_day, visit, evening):
        registration = sign_up(edition, [visit])
        services.registration_change_items(registration=registration, item_ids=[evening.pk])

        body, _ = calendar_attachment(registration, Kind.CHANGED)

        assert uids(body) == [day_uid(first_day), item_uid(evening)]

    def test_a_promotion_carries_the_calendar_with_the_new_seat(self, edition, first_day, visit):
        visit.capacity = 1
        visit.save()
        seated = sign_up(edition, [visit])
        waiting = sign_up(edition, [visit])
        services.registration_cancel(registration=seated)

        body, _ = calendar_attachment(waiting, Kind.PROMOTION)

        assert uids(body) == [day_uid(first_day), item_uid(visit)]

    def test_the_cancellation_carries_neither_calendar_nor_ticket(self, edition, visit):
        registration = sign_up(edition, [visit])
        services.registration_cancel(registration=registration)

        body, message = calendar_attachment(registration, Kind.CANCELLED)

        assert body is None
        assert message.attachments == []
