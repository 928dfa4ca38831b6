"""attendees.selectors: what the private pages and the e-mails read about a person, and how."""

import pytest
from django.db import connection
from django.utils import timezone
from psycopg import pq

from attendees import selectors
from tests.factories import sign_up

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode")
def test_the_private_link_and_a_mail_read_a_person_in_one_round_trip(edition, visit, pipeline_states):
    person = sign_up(edition, [visit])
    pipeline_states.clear()
    found = selectors.registration_for_manage(person.public_id, person.manage_token)
    by_key = selectors.registration_for_mail(person.pk)
    # The registration, its seats, its days: three statements, sent together each time.
    assert pipeline_states == [pq.PipelineStatus.ON] * 6
    for registration in (found, by_key):
        assert registration.pk == person.pk
        assert [booking.item_id for booking in registration.bookings.all()] == [visit.pk]
        assert [attendance.day.date for attendance in registration.days.all()] == [
            timezone.localdate(visit.starts_at)
        ]


def test_a_wrong_token_gives_nothing_though_the_rows_were_read_with_it(edition, visit):
    person = sign_up(edition, [visit])
    token = person.manage_token
    wrong = token[:-1] + ("y" if token.endswith("x") else "x")
    assert selectors.registration_for_manage(person.public_id, wrong) is None
    assert selectors.registration_for_manage(person.public_id, "żółw") is None  # not ASCII: no error
