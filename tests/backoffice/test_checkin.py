import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from registration import services
from registration.checkin import (
    CheckInError,
    attendance_check_in,
    attendance_undo_check_in,
    registrations_search,
)
from tests.factories import sign_up

NOON = timezone.make_aware(dt.datetime(2030, 11, 29, 12, 0))


@pytest.mark.django_db
class TestCheckInService:
    def test_first_then_second_check_in(self, edition, first_day):
        person = sign_up(edition)
        first = attendance_check_in(registration=person, day=first_day, now=NOON)
        assert (first.attendance.checked_in_at, first.earlier_at) == (NOON, None)
        second = attendance_check_in(registration=person, day=first_day, now=NOON + dt.timedelta(hours=1))
        assert second.earlier_at == NOON
        assert person.days.get(day=first_day).checked_in_at == NOON

    def test_undo(self, edition, first_day):
        person = sign_up(edition)
        attendance_check_in(registration=person, day=first_day)
        assert attendance_undo_check_in(registration=person, day=first_day).checked_in_at is None
        assert person.days.get(day=first_day).checked_in_at is None

    def test_refuses_a_day_not_registered_for(self, edition, second_day):
        person = sign_up(edition)
        with pytest.raises(CheckInError) as refused:
            attendance_check_in(registration=person, day=second_day)
        assert refused.value.message == f"Zofia Żółkiewska did not register for {second_day}."

    def test_refuses_a_cancelled_registration(self, edition, first_day):
        person = services.registration_cancel(registration=sign_up(edition))
        with pytest.raises(CheckInError) as refused:
            attendance_check_in(registration=person, day=first_day)
        assert refused.value.code == "cancelled"

    def test_search(self, edition):
        anna = sign_up(edition, first_name="Anna", last_name="Łęcka", organisation_name="Dom Sąsiedzki")
        sign_up(edition, first_name="Piotr", last_name="Nowak", organisation_name="Gmina")
        cancelled = sign_up(edition, first_name="Anna", last_name="Łęcka", organisation_name="Inna")
        services.registration_cancel(registration=cancelled)
        assert registrations_search(edition=edition, query="anna łęcka") == [anna]
        assert registrations_search(edition=edition, query="sąsiedzki") == [anna]
        assert registrations_search(edition=edition, query=anna.email.upper()) == [anna]
        grouped = " ".join(anna.ticket_code[i : i + 4] for i in range(0, 26, 4)).lower()
        assert registrations_search(edition=edition, query=grouped) == [anna]
        assert registrations_search(edition=edition, query="  ") == []


@pytest.mark.django_db
class TestCheckInPage:
    def test_second_check_in_warns_with_the_time(self, staff_client, edition, first_day):
        person = sign_up(edition)
        url = reverse("staff:checkin_action", args=[person.pk, first_day.pk])
        staff_client.post(url, {"q": "Zofia"})
        response = staff_client.post(url, {"q": "Zofia"}, follow=True)
        first = timezone.localtime(person.days.get(day=first_day).checked_in_at)
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "Zofia Żółkiewska checked in.",
            f"Zofia Żółkiewska was already checked in today at {first:%H:%M}.",
        ]
        assert response.redirect_chain == [(f"{reverse('staff:checkin')}?day={first_day.pk}&q=Zofia", 302)]

    def test_counts(self, staff_client, edition, first_day, second_day):
        person = sign_up(edition, days=[first_day, second_day])
        sign_up(edition)
        attendance_check_in(registration=person, day=first_day)
        counts = staff_client.get(reverse("staff:checkin_counts")).json()
        assert counts == {
            str(first_day.pk): {"checked_in": 1, "expected": 2},
            str(second_day.pk): {"checked_in": 0, "expected": 1},
        }

    def test_page_shows_items_of_the_day(self, staff_client, edition, visit, first_day):
        person = sign_up(edition, [visit])
        response = staff_client.get(reverse("staff:checkin"), {"day": first_day.pk, "q": person.email})
        [row] = response.context["rows"]
        assert (row["registration"], row["items"]) == (person, [visit])
