"""Redis is an accelerator, not a dependency: with it unreachable (a closed port, or a private
redis-server killed in the middle of the test) the public pages come from the database, sign-ups
go through (the rate limit fails open, with a log line), the back office logs in on sessions kept
in the database, and /healthz says which dependency is down, then recovers with Redis.

The cache settings are the production ones: settings.py is imported in a subprocess with a
CACHE_URL, and its CACHES, sessions, rate-limit and django-redis settings are applied here."""

import json
import logging
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from common.local_copies import local_copies
from registration.models import Registration
from tests.factories import sign_up

from .conftest import BASE_DIR, free_port

pytestmark = pytest.mark.django_db

PRODUCTION_PREFIXES = ("CACHES", "SESSION_ENGINE", "RATELIMIT_", "DJANGO_REDIS_")


def production_settings(cache_url: str) -> dict:
    """The settings settings.py derives from this CACHE_URL, as production would have them."""
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in dir(settings) "
        f"if name.startswith({PRODUCTION_PREFIXES!r})}}, default=str))"
    )
    printed = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=BASE_DIR,
        env={
            "DJANGO_SETTINGS_MODULE": "miejsca_otwarte.settings_test",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
            "CACHE_URL": cache_url,
            "PATH": "",
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(printed)


def use_redis_at(settings, port: int) -> None:
    """Switch this test's site to the production cache settings, on Redis at `port`."""
    for name, value in production_settings(f"rediscache://127.0.0.1:{port}/0").items():
        setattr(settings, name, value)
    settings.RATELIMIT_SIGNUP = "1/m"  # a second sign-up would be over the limit, were it counted
    local_copies.clear()  # each process's copies: read from the cache again


@pytest.fixture
def redis_down(edition, settings):
    """The edition is loaded, then the site points at a port where nothing listens."""
    port = free_port()
    use_redis_at(settings, port)
    return port


class RedisServer:
    """A private redis-server on a free port, that the test can kill and start again."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.kill()


def form_data(client, **overrides) -> dict:
    page = client.get("/registration/").content.decode()
    data = {
        "first_name": "Ewa",
        "last_name": "Nowak",
        "email": "ewa@example.com",
        "town": "Gorlice",
        "voivodeship": "lesser_poland",
        "organisation_type": "ngo",
        "accept_terms": "on",
        "submission_key": re.search(r'name="submission_key" value="([^"]+)"', page).group(1),
    }
    data.update(overrides)
    return data


def public_pages(visit) -> list[str]:
    return ["/", "/program/", f"/program/{visit.slug}/", "/registration/", "/registration/seats.json"]


def test_production_settings_tolerate_a_dead_redis():
    """What the other tests rely on: exceptions ignored and logged, short timeouts, the rate limit
    open and sessions written through to the database."""
    found = production_settings("rediscache://127.0.0.1:6379/0")
    options = found["CACHES"]["default"]["OPTIONS"]
    assert found["CACHES"]["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert options["IGNORE_EXCEPTIONS"] is True
    assert 0 < options["SOCKET_CONNECT_TIMEOUT"] <= 0.5
    assert 0 < options["SOCKET_TIMEOUT"] <= 0.5
    assert found["DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS"] is True
    assert found["RATELIMIT_FAIL_OPEN"] is True
    assert found["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_public_pages_come_from_the_database(client, redis_down, visit):
    for url in public_pages(visit):
        started = time.monotonic()
        response = client.get(url)
        assert (url, response.status_code) == (url, 200)
        assert time.monotonic() - started < 2, url  # a refused connection costs milliseconds
    assert visit.title in client.get("/program/").content.decode()


def test_sign_up_goes_through_and_the_rate_limit_fails_open_with_a_log_line(
    client, redis_down, edition, visit, caplog
):
    day = edition.days.get(date=visit.starts_at.date())
    with caplog.at_level(logging.ERROR, logger="django_redis"):
        first = client.post("/registration/", form_data(client, days=[day.pk], items=[visit.pk]))
        # Over RATELIMIT_SIGNUP = 1/m, were the cache counting: without it nobody is refused.
        second = client.post(
            "/registration/", form_data(client, email="jan@example.com", days=[day.pk], items=[visit.pk])
        )

    assert (first.status_code, second.status_code) == (302, 302)
    assert set(Registration.objects.values_list("email", flat=True)) == {"ewa@example.com", "jan@example.com"}
    assert visit.bookings.count() == 2
    assert any(record.name.startswith("django_redis") for record in caplog.records)


def test_management_page_works(client, redis_down, edition, visit):
    registration = sign_up(edition, [visit])
    response = client.get(registration.get_manage_url())
    assert response.status_code == 200
    assert registration.first_name in response.content.decode()


def test_admin_logs_in_on_sessions_from_the_database(client, redis_down, settings):
    get_user_model().objects.create_superuser("organiser", "organiser@example.com", "a-long-password-1")
    admin = f"/{settings.ADMIN_URL}"

    response = client.post(
        f"{admin}login/?next={admin}", {"username": "organiser", "password": "a-long-password-1"}
    )

    assert (response.status_code, response["Location"]) == (302, admin)
    assert Session.objects.count() == 1
    assert client.get(admin).status_code == 200
    assert client.get(f"{admin}registration/registration/").status_code == 200


def test_healthz_says_the_cache_is_down(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["cache"]) == ("degraded", "ok", "unavailable")
    assert (body["stale_mail"], body["overdue_tasks"]) == (0, 0)


def test_healthz_with_the_local_memory_cache_is_ok(client, edition):
    response = client.get("/healthz")
    assert (response.status_code, response.json()["cache"]) == (200, "ok")


def test_redis_killed_mid_test_then_back(client, edition, visit, settings, redis_server):
    use_redis_at(settings, redis_server.port)
    for url in public_pages(visit):
        assert client.get(url).status_code == 200, url
    assert client.get("/healthz").json()["cache"] == "ok"

    redis_server.kill()
    local_copies.clear()

    for url in public_pages(visit):
        assert client.get(url).status_code == 200, url
    day = edition.days.get(date=visit.starts_at.date())
    response = client.post("/registration/", form_data(client, days=[day.pk], items=[visit.pk]))
    assert response.status_code == 302
    assert Registration.objects.filter(email="ewa@example.com").exists()
    health = client.get("/healthz")
    assert (health.status_code, health.json()["cache"]) == (503, "unavailable")

    redis_server.start()  # the same port: the site reconnects by itself

    health = client.get("/healthz")
    assert (health.status_code, health.json()) == (
        200,
        {"status": "ok", "database": "ok", "cache": "ok", "stale_mail": 0, "overdue_tasks": 0},
    )


def test_a_redis_that_hangs_costs_at_most_the_timeouts(client, redis_down, settings, visit):
    """A Redis that accepts connections and never answers: each cache call gives up after
    SOCKET_TIMEOUT, and the page is still served."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)  # the kernel completes the handshake; nobody ever reads or answers
        use_redis_at(settings, listener.getsockname()[1])
        # Without a timeout the page would wait for ever: closing the listener after 15 s resets
        # the waiting connections, and the test fails instead of hanging.
        watchdog = threading.Timer(15, listener.close)
        watchdog.start()
        try:
            started = time.monotonic()
            status = client.get("/program/").status_code
            seconds = time.monotonic() - started
        finally:
            watchdog.cancel()
    assert status == 200
    assert seconds < 10
