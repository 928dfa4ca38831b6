"""The database connection dies in the middle of a sign-up: a clear "try again" page, nothing
half-written, and the next request works again without anyone restarting anything."""

import re

import pytest
import requests

from outbox.models import OutgoingMail
from registration import services as registration_services
from registration.models import Booking, DayAttendance, Registration

from .conftest import kill_own_connection

pytestmark = pytest.mark.django_db(transaction=True)


def post_sign_up(base: str, session: requests.Session, email: str, item_id: int, day_id: int):
    page = session.get(f"{base}/registration/", timeout=10).text
    return session.post(
        f"{base}/registration/",
        data={
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1),
            "submission_key": re.search(r'name="submission_key" value="([^"]+)"', page).group(1),
            "first_name": "Ewa",
            "last_name": "Nowak",
            "email": email,
            "town": "Gorlice",
            "voivodeship": "lesser_poland",
            "accept_terms": "on",
            "days": [day_id],
            "items": [item_id],
        },
        headers={"Accept-Language": "pl"},
        allow_redirects=False,
        timeout=10,
    )


def test_connection_lost_mid_sign_up_gives_503_keeps_nothing_and_recovers(
    edition, visit, live_server, monkeypatch, settings
):
    settings.RATELIMIT_SIGNUP = "1000/m"
    day_id = edition.days.get(date=visit.starts_at.date()).pk
    queue = registration_services.mail_queue

    def queue_then_lose_database(*args, **kwargs):
        outgoing = queue(*args, **kwargs)  # the registration and its mail are written, not committed
        kill_own_connection()
        return outgoing

    monkeypatch.setattr(registration_services, "mail_queue", queue_then_lose_database)
    with requests.Session() as session:
        response = post_sign_up(live_server.url, session, "ewa@example.com", visit.pk, day_id)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Spróbuj ponownie za chwilę" in response.text
    assert "Traceback" not in response.text
    assert "OperationalError" not in response.text
    counts = [model.objects.count() for model in (Registration, Booking, DayAttendance, OutgoingMail)]
    assert counts == [0, 0, 0, 0]
    visit.refresh_from_db()
    assert (visit.seats_taken, visit.waitlist_length) == (0, 0)

    monkeypatch.setattr(registration_services, "mail_queue", queue)
    with requests.Session() as session:
        response = post_sign_up(live_server.url, session, "ewa@example.com", visit.pk, day_id)

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.email == "ewa@example.com"
    assert registration.bookings.get().status == Booking.Status.CONFIRMED
    assert OutgoingMail.objects.count() == 1
