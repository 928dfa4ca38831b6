"""Two gunicorn servers on one PostgreSQL and one Redis take a rush of sign-ups for 15 seats."""

import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from outbox.models import OutgoingMail
from registration.models import Booking, Registration

from .conftest import BASE_DIR, free_port, subprocess_env

SEATS = 15
PEOPLE = 200
REDIS_DB = 14


def start_gunicorn(port: int, env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_serving(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def sign_up_over_http(base: str, number: int, item_id: int, day_id: int) -> tuple[int, int]:
    """Like a browser: get the form (CSRF cookie and token, submission key), then send it."""
    with requests.Session() as session:
        form = session.get(f"{base}/registration/", timeout=30)
        page = form.text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
        response = session.post(
            f"{base}/registration/",
            data={
                "csrfmiddlewaretoken": token,
                "submission_key": key,
                "first_name": "Jan",
                "last_name": f"Kowalski {number}",
                "email": f"rush{number}@example.com",
                "town": "Tarnów",
                "voivodeship": "lesser_poland",
                "accept_terms": "on",
                "days": [day_id],
                "items": [item_id],
            },
            allow_redirects=False,
            timeout=60,
        )
        return form.status_code, response.status_code


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_servers_share_one_waiting_list(edition, visit, tmp_path):
    visit.capacity = SEATS
    visit.save(update_fields=["capacity"])
    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()
    env = subprocess_env(
        CACHE_URL=f"redis://127.0.0.1:6379/{REDIS_DB}",
        RATELIMIT_SIGNUP="100000/m",  # every request comes from 127.0.0.1 here
        ALLOWED_HOSTS="127.0.0.1",
    )
    ports = [free_port(), free_port()]
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        servers = [start_gunicorn(port, env, log) for port in ports]
        try:
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            for base in bases:
                wait_until_serving(f"{base}/healthz")
            day_id = edition.days.get(date=visit.starts_at.date()).pk
            with ThreadPoolExecutor(max_workers=40) as pool:
                results = list(
                    pool.map(
                        lambda n: sign_up_over_http(bases[n % 2], n, visit.pk, day_id),
                        range(PEOPLE),
                    )
                )
            # The person's private page, as after the redirect: its token must not reach the log.
            registration = Registration.objects.order_by("pk").first()
            assert requests.get(bases[0] + registration.get_manage_url(), timeout=10).status_code == 200
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)

    assert results == [(200, 302)] * PEOPLE
    bookings = Booking.objects.filter(item=visit)
    assert bookings.filter(status=Booking.Status.CONFIRMED).count() == SEATS
    positions = sorted(
        bookings.filter(status=Booking.Status.WAITLISTED).values_list("waitlist_position", flat=True)
    )
    assert positions == list(range(1, PEOPLE - SEATS + 1))
    visit.refresh_from_db()
    assert (visit.seats_taken, visit.waitlist_length) == (SEATS, PEOPLE - SEATS)
    assert Registration.objects.count() == PEOPLE
    confirmations = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CONFIRMATION)
    assert confirmations.count() == PEOPLE
    assert set(confirmations.values_list("registration_id", flat=True)) == set(
        Registration.objects.values_list("pk", flat=True)
    )
    # Both servers took part, and no token made it into the access log.
    log = log_path.read_text()
    for port in ports:
        assert f"Listening at: http://127.0.0.1:{port}" in log
    assert '"POST /registration/ HTTP/1.1" 302' in log
    assert f"/manage/{registration.public_id}/[redacted]/" in log
    assert all(r.manage_token not in log for r in Registration.objects.all())
    assert " 500 " not in log
