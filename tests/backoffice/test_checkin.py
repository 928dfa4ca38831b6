import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from attendees.services import sign_up as register
from catering.models import CateringOrder
from catering.services import CateringRequest, ClaimRequest
from registration import services
from registration.checkin import (
    TICKET_CODE_PATTERN,
    CheckInError,
    attendance_check_in,
    attendance_undo_check_in,
    registration_by_ticket_code,
    registrations_search,
)
from registration.models import DayAttendance
from registration.tickets import formatted_ticket_code
from tests.factories import ALL_CONSENTS, sign_up
from tests.factories import person as person_data

NOON = timezone.make_aware(dt.datetime(2030, 11, 29, 12, 0))


@pytest.fixture
def at_the_door(staff):
    staff.first_name, staff.last_name = "Ola", "Bramka"
    staff.save()
    return staff


@pytest.mark.django_db
class TestCheckInService:
    def test_first_then_second_check_in(self, edition, first_day, at_the_door):
        person = sign_up(edition)
        first = attendance_check_in(registration=person, day=first_day, by=at_the_door, now=NOON)
        assert (first.attendance.checked_in_at, first.attendance.checked_in_by, first.earlier_at) == (
            NOON,
            at_the_door,
            None,
        )
        second = attendance_check_in(
            registration=person, day=first_day, by=None, now=NOON + dt.timedelta(hours=1)
        )
        assert (second.earlier_at, second.attendance.checked_in_by) == (NOON, at_the_door)
        attendance = person.days.get(day=first_day)
        assert (attendance.checked_in_at, attendance.checked_in_by) == (NOON, at_the_door)

    def test_undo(self, edition, first_day, at_the_door):
        person = sign_up(edition)
        attendance_check_in(registration=person, day=first_day, by=at_the_door)
        undone = attendance_undo_check_in(registration=person, day=first_day)
        assert (undone.checked_in_at, undone.checked_in_by) == (None, None)
        attendance = person.days.get(day=first_day)
        assert (attendance.checked_in_at, attendance.checked_in_by) == (None, None)

    def test_the_staff_member_leaving_keeps_the_check_in(self, edition, first_day, at_the_door):
        person = sign_up(edition)
        attendance_check_in(registration=person, day=first_day, by=at_the_door, now=NOON)
        at_the_door.delete()
        attendance = person.days.get(day=first_day)
        assert (attendance.checked_in_at, attendance.checked_in_by) == (NOON, None)

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

    def test_a_ticket_code_finds_its_holder_cancelled_or_not(self, edition):
        person = services.registration_cancel(registration=sign_up(edition))
        grouped = formatted_ticket_code(person.ticket_code).lower()
        assert registration_by_ticket_code(edition=edition, code=f" {grouped} ") == person
        assert registration_by_ticket_code(edition=edition, code="A" * 26) is None

    def test_the_code_pattern_matches_every_ticket_code(self, edition):
        person = sign_up(edition)
        assert re.fullmatch(TICKET_CODE_PATTERN, person.ticket_code)
        assert re.fullmatch(TICKET_CODE_PATTERN, "Kowalski") is None


def code_check_in(client, day, code, **headers):
    return client.post(reverse("staff:checkin_code", args=[day.pk]), {"code": code}, **headers)


def as_json(client, day, code):
    response = code_check_in(client, day, code, HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.django_db
class TestDoorResult:
    """Every state of the door's full-screen result, as JSON for the page's script and as a page."""

    def test_ok_with_days_items_and_catering(self, staff_client, edition, first_day, second_day, visit):
        person = register(
            edition=edition,
            person=person_data(first_name="Łucja", last_name="Wiśniewska"),
            days=[first_day, second_day],
            items=[visit],
            consents=ALL_CONSENTS,
            catering_request=CateringRequest(diet=CateringOrder.Diet.VEGETARIAN),
        )
        result = as_json(staff_client, first_day, formatted_ticket_code(person.ticket_code))
        assert {k: v for k, v in result.items() if k != "html"} == {
            "state": "ok",
            "ok": True,
            "title": "OK, welcome",
            "name": "Łucja Wiśniewska",
            "detail": "",
        }
        html = result["html"]
        assert 'data-state="ok"' in html and "checkin-result-ok" in html
        starts, ends = (f"{timezone.localtime(t):%H:%M}" for t in (visit.starts_at, visit.ends_at))
        assert f"{starts}–{ends} {visit.title} — {visit.place}" in html
        # The catering is on the second day: none on the first; on the second, as the caterer's list.
        assert "<dd data-catering>none on this day</dd>" in html
        attendance = person.days.get(day=first_day)
        assert attendance.checked_in_by.username == "staff"

        result = as_json(staff_client, second_day, person.ticket_code)
        assert result["state"] == "ok"
        assert "<dd data-catering>Awaiting payment, Vegetarian</dd>" in result["html"]

    def test_catering_none_and_free_ticket(self, staff_client, edition, second_day):
        nothing = sign_up(edition, days=[second_day])
        assert "<dd data-catering>none</dd>" in as_json(staff_client, second_day, nothing.ticket_code)["html"]
        free = register(
            edition=edition,
            person=person_data(),
            days=[second_day],
            items=[],
            consents=ALL_CONSENTS,
            catering_request=CateringRequest(
                claim=ClaimRequest(basis="resident", town="Wieliczka"), diet=CateringOrder.Diet.VEGAN
            ),
        )
        CateringOrder.objects.filter(registration=free).update(status=CateringOrder.Status.FREE)
        html = as_json(staff_client, second_day, free.ticket_code)["html"]
        assert "<dd data-catering>Free (Małopolska ticket), Vegan</dd>" in html

    def test_already_checked_in_says_when_and_by_whom(self, staff_client, at_the_door, edition, first_day):
        person = sign_up(edition)
        attendance_check_in(registration=person, day=first_day, by=at_the_door, now=NOON)
        result = as_json(staff_client, first_day, person.ticket_code)
        assert (result["state"], result["ok"], result["title"], result["detail"]) == (
            "already",
            False,
            "Already checked in",
            f"Checked in at {timezone.localtime(NOON):%H:%M} by Ola Bramka.",
        )
        assert 'role="alertdialog"' in result["html"] and "checkin-result-refused" in result["html"]
        assert person.days.get(day=first_day).checked_in_at == NOON

    def test_already_checked_in_by_nobody_known(self, staff_client, edition, first_day):
        person = sign_up(edition)
        attendance_check_in(registration=person, day=first_day, now=NOON)
        detail = as_json(staff_client, first_day, person.ticket_code)["detail"]
        assert detail == f"Checked in at {timezone.localtime(NOON):%H:%M}."

    def test_not_registered_for_the_day(self, staff_client, edition, first_day, second_day):
        person = sign_up(edition, days=[first_day])
        result = as_json(staff_client, second_day, person.ticket_code)
        assert (result["state"], result["title"], result["detail"]) == (
            "not_attending",
            "Not registered for this day",
            f"Zofia Żółkiewska did not register for {second_day}.",
        )

    def test_cancelled(self, staff_client, edition, first_day):
        person = services.registration_cancel(registration=sign_up(edition))
        result = as_json(staff_client, first_day, person.ticket_code)
        assert (result["state"], result["title"]) == ("cancelled", "Registration cancelled")
        assert person.days.get(day=first_day).checked_in_at is None

    def test_awaiting_approval(self, staff_client, edition, first_day):
        edition.registrations_need_approval = True
        edition.save()
        person = sign_up(edition)
        result = as_json(staff_client, first_day, person.ticket_code)
        assert (result["state"], result["title"]) == ("awaiting_approval", "Awaiting approval")
        assert person.days.get(day=first_day).checked_in_at is None

    def test_unknown_code(self, staff_client, edition, first_day):
        result = as_json(staff_client, first_day, "zzzz-" * 20)
        assert (result["state"], result["ok"], result["title"]) == ("unknown_code", False, "Unknown code")
        assert result["detail"] == f"No ticket of this edition has the code “{('zzzz-' * 20)[:40]}”."

    @pytest.mark.parametrize("code", ["", "\x00", "7" * 5000, "<b>ABCD</b>\x07"])
    def test_hostile_codes_are_unknown(self, staff_client, edition, first_day, code):
        result = as_json(staff_client, first_day, code)
        assert (result["state"], result["ok"]) == ("unknown_code", False)
        assert "\x00" not in result["html"] and "\x07" not in result["html"] and "<b>" not in result["html"]

    def test_the_page_shows_the_result_without_the_script(self, staff_client, edition, first_day):
        person = sign_up(edition)
        response = code_check_in(staff_client, first_day, person.ticket_code)
        assert response.status_code == 200
        assert response.context["result"].state == "ok"
        content = response.content.decode()
        assert 'id="checkin-result"' in content and 'data-state="ok"' in content
        assert f'href="{reverse("staff:checkin")}?day={first_day.pk}" autofocus>Next</a>' in content

    def test_a_person_found_by_search_gets_the_same_result(self, staff_client, edition, first_day):
        person = sign_up(edition)
        url = reverse("staff:checkin_action", args=[person.pk, first_day.pk])
        assert staff_client.post(url, {"q": "Zofia"}).context["result"].state == "ok"
        assert staff_client.post(url, {"q": "Zofia"}).context["result"].state == "already"
        assert person.days.get(day=first_day).checked_in_by.username == "staff"

    def test_undo_is_still_a_message(self, staff_client, edition, first_day):
        person = sign_up(edition)
        attendance_check_in(registration=person, day=first_day, now=NOON)
        url = reverse("staff:checkin_action", args=[person.pk, first_day.pk])
        response = staff_client.post(url, {"q": "Zofia", "action": "undo"}, follow=True)
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert messages == ["Check-in of Zofia Żółkiewska undone."]
        assert response.redirect_chain == [(f"{reverse('staff:checkin')}?day={first_day.pk}&q=Zofia", 302)]
        assert person.days.get(day=first_day).checked_in_at is None

    def test_only_the_door_checks_in(self, client, staff, edition, first_day):
        person = sign_up(edition)
        response = code_check_in(client, first_day, person.ticket_code)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("admin:login"))
        client.force_login(User.objects.create_user("visitor", password="secret-pass", is_staff=True))
        assert code_check_in(client, first_day, person.ticket_code).status_code == 403
        client.force_login(staff)
        assert client.get(reverse("staff:checkin_code", args=[first_day.pk])).status_code == 405
        assert person.days.get(day=first_day).checked_in_at is None


@pytest.mark.django_db
class TestCheckInPage:
    def test_shows_who_is_signed_in(self, client, at_the_door, edition, first_day):
        client.force_login(at_the_door)
        response = client.get(reverse("staff:checkin"), {"day": first_day.pk})
        content = response.content.decode()
        assert "Signed in as Ola Bramka" in content
        assert f'action="{reverse("admin:logout")}"' in content

    def test_walk_in_is_checked_in_by_the_staff_member(self, staff_client, edition, first_day):
        fields = {
            "first_name": "Ewa",
            "last_name": "Przechodnia",
            "email": "ewa@example.com",
            "town": "Bochnia",
            "voivodeship": "lesser_poland",
            "accepted": "on",
        }
        form = {f"walk_in-{name}": value for name, value in fields.items()}
        staff_client.post(reverse("staff:checkin_walk_in", args=[first_day.pk]), form)
        attendance = DayAttendance.objects.get(registration__email="ewa@example.com")
        assert (attendance.day, attendance.checked_in_by.username) == (first_day, "staff")

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
