"""common.postgresql: Django's health check before a request's first query, skipped for a
connection that served a request a moment ago; a connection that died is still replaced."""

import pytest
from django.db import OperationalError, close_old_connections, connection

from registration.models import Registration
from tests.conftest import LocalClock
from tests.reliability.conftest import kill_own_connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
]


@pytest.fixture
def clock(monkeypatch) -> LocalClock:
    clock = LocalClock()
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


def test_a_connection_that_served_a_moment_ago_is_not_checked_again(clock, checks):
    request()  # connects: a new connection needs no check
    clock.advance(0.9)
    request()
    request()
    assert checks == []
    clock.advance(1.1)  # a second with no request on it: checked again
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
    clock.advance(0.8)
    request(query=False)  # a page from the process's copy
    clock.advance(0.8)
    request()
    assert len(checks) == 1


def test_a_connection_that_died_while_idle_is_replaced_before_the_next_request(clock, checks):
    request()
    backend = connection.connection.info.backend_pid
    kill_own_connection()
    clock.advance(2)
    request()  # no error: the check found it dead and Django connected again
    assert connection.connection.info.backend_pid != backend


def test_one_that_died_within_the_moment_fails_one_request_and_is_replaced(clock, checks):
    request()
    kill_own_connection()
    clock.advance(0.1)
    close_old_connections()
    with pytest.raises(OperationalError):
        Registration.objects.count()  # the page shows "try again" (DatabaseUnavailableMiddleware)
    close_old_connections()  # the request's end: the error closes the connection
    assert connection.connection is None
    request()
