"""common.postgresql: Django's health check before a request's first query, skipped for a
connection that served a request a moment ago; a connection that died is still replaced."""

import psycopg
import pytest
from django.db import OperationalError, close_old_connections, connection

from registration.models import Registration

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
]


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("common.postgresql.base.monotonic", clock)
    return clock


@pytest.fixture
def checks(monkeypatch, settings) -> list:
    """The `SELECT 1`s Django sends, with the connection kept between requests as CONN_MAX_AGE
    keeps it in production."""
    settings.DATABASE_HEALTH_CHECK_SKIP_SECONDS = 1.0
    sent = []
    wrapper = type(connection._connections[connection._alias])
    is_usable = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda self: sent.append(1) or is_usable(self))
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)
    connection.close()  # the next request connects with the setting
    yield sent
    connection.close()


def request(query: bool = True) -> None:
    """What a request does to the connection: Django's checks at its start and end, and a query."""
    close_old_connections()
    if query:
        Registration.objects.count()
    close_old_connections()


def terminate_own_session() -> None:
    """As a database restart does to a connection kept between requests."""
    pid = connection.connection.info.backend_pid
    with psycopg.connect(dbname=connection.settings_dict["NAME"], user="postgres", host="127.0.0.1") as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_that_served_a_moment_ago_is_not_checked_again(clock, checks):
    request()  # connects: a new connection needs no check
    clock.now += 0.9
    request()
    request()
    assert checks == []
    clock.now += 1.1  # a second with no request on it: checked again
    request()
    assert len(checks) == 1


def test_with_no_moment_every_request_is_checked(clock, checks, settings):
    """The control: DATABASE_HEALTH_CHECK_SKIP_SECONDS=0 is Django's own behaviour."""
    settings.DATABASE_HEALTH_CHECK_SKIP_SECONDS = 0
    for _ in range(3):
        request()
    assert len(checks) == 2  # all but the one that connected


def test_a_request_that_did_not_use_the_connection_does_not_count_as_served(clock, checks):
    request()
    clock.now += 0.8
    request(query=False)  # a page from the process's copy
    clock.now += 0.8
    request()
    assert len(checks) == 1


def test_a_connection_that_died_while_idle_is_replaced_before_the_next_request(clock, checks):
    request()
    backend = connection.connection.info.backend_pid
    terminate_own_session()
    clock.now += 2
    request()  # no error: the check found it dead and Django connected again
    assert connection.connection.info.backend_pid != backend


def test_one_that_died_within_the_moment_fails_one_request_and_is_replaced(clock, checks):
    request()
    terminate_own_session()
    clock.now += 0.1
    close_old_connections()
    with pytest.raises(OperationalError):
        Registration.objects.count()  # the page shows "try again" (DatabaseUnavailableMiddleware)
    close_old_connections()  # the request's end: the error closes the connection
    assert connection.connection is None
    request()
