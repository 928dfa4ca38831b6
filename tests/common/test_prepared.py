"""common.prepared: a query compiled once gives what the ORM gives, with each call's values; reads
that do not wait for each other go to the database together."""

from unittest import mock

import pytest
from django.db import DataError, connection, transaction
from django.db.models import IntegerField, UUIDField
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from psycopg import Pipeline, pq

from common.prepared import PreparedQuery, Slot, prefetched, read_together
from registration.models import Booking, Registration
from tests.factories import sign_up

pytestmark = pytest.mark.django_db

BY_PUBLIC_ID = PreparedQuery(
    lambda: Registration.objects.select_related("edition__catering__day", "feedback_request").filter(
        public_id=Slot("public_id", UUIDField()), anonymised_at__isnull=True
    )
)
SEATS = PreparedQuery(
    lambda: (
        Booking.objects.select_related("item")
        .filter(registration_id=Slot("registration", IntegerField()))
        .order_by("item__starts_at", "item_id")
    )
)


@pytest.fixture
def people(edition):
    items = list(edition.items.filter(capacity__isnull=False).order_by("-starts_at")[:2])
    return sign_up(edition, items, email="first@example.com"), sign_up(
        edition, items[:1], email="two@example.com"
    )


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_gives_what_the_orm_gives_joined_rows_included(people, django_assert_num_queries):
    first, _ = people
    expected = Registration.objects.select_related("edition__catering__day").get(pk=first.pk)
    with django_assert_num_queries(1):
        [found] = BY_PUBLIC_ID(public_id=first.public_id)
        assert fields(found) == fields(expected)
        assert fields(found.edition) == fields(expected.edition)
        assert fields(found.edition.catering.day) == fields(expected.edition.catering.day)
        assert not hasattr(found, "feedback_request")  # joined, and there is none: no query either


def test_each_call_takes_its_own_values(people):
    first, second = people
    assert [r.pk for r in BY_PUBLIC_ID(public_id=second.public_id)] == [second.pk]
    assert [r.pk for r in BY_PUBLIC_ID(public_id=first.public_id)] == [first.pk]
    first.anonymised_at = first.created_at
    first.save()
    assert BY_PUBLIC_ID(public_id=first.public_id) == []  # the fixed filters hold


def test_compiles_once(people):
    first, second = people
    prepared = PreparedQuery(
        lambda: Booking.objects.filter(registration_id=Slot("registration", IntegerField())).order_by("pk")
    )
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as as_sql:
        assert len(prepared(registration=first.pk)) == 2
        assert len(prepared(registration=second.pk)) == 1
    assert as_sql.call_count == 1


def test_order_and_joined_items_as_the_orm(people):
    first, _ = people
    expected = list(first.bookings.select_related("item").order_by("item__starts_at", "item_id"))
    found = SEATS(registration=first.pk)
    assert [(b.pk, b.item.title, b.item.starts_at) for b in found] == [
        (b.pk, b.item.title, b.item.starts_at) for b in expected
    ]


def test_prefetched_rows_need_no_query_and_stay_the_persons(people, django_assert_num_queries):
    first, second = people
    registration = Registration.objects.get(pk=second.pk)
    prefetched(registration, "bookings", SEATS(registration=second.pk))
    with django_assert_num_queries(0):
        [booking] = registration.bookings.all()
        assert booking.registration is registration
        assert booking.item.edition_id == registration.edition_id
    # A filter on the related manager is still the person's bookings, not everyone's.
    assert set(registration.bookings.filter(item__capacity__isnull=False)) == set(second.bookings.all())
    assert first.bookings.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side prepared statements")
def test_the_server_plans_a_prepared_query_once_per_connection(people):
    first, second = people
    SEATS(registration=first.pk)
    SEATS(registration=second.pk)
    assert prepared_statements_reading("registration_booking") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side prepared statements")
def test_without_prepare_threshold_the_server_prepares_nothing(people, monkeypatch):
    """The control: Django's default (no preparing, for connection poolers) is honoured."""
    monkeypatch.delitem(connection.settings_dict["OPTIONS"], "prepare_threshold")
    first, _ = people
    assert [b.registration_id for b in SEATS(registration=first.pk)] == [first.pk, first.pk]
    assert prepared_statements_reading("registration_booking") == 0


def prepared_statements_reading(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'SELECT %%'")
        return sum(f'FROM "{table}"' in statement for (statement,) in cursor.fetchall())


def test_the_query_log_shows_the_statement_with_its_values(people):
    first, _ = people
    with CaptureQueriesContext(connection) as queries:
        SEATS(registration=first.pk)
    [logged] = [query["sql"] for query in queries]
    assert 'FROM "registration_booking"' in logged
    assert f'WHERE "registration_booking"."registration_id" = ({first.pk}) ORDER BY' in logged


def test_reads_together_give_what_each_gives_alone(people, django_assert_num_queries):
    first, second = people
    alone = [
        [b.pk for b in SEATS(registration=first.pk)],
        [r.pk for r in BY_PUBLIC_ID(public_id=second.public_id)],
    ]
    with django_assert_num_queries(2):  # each statement logged and counted as before
        seats, found = read_together(
            (SEATS, {"registration": first.pk}), (BY_PUBLIC_ID, {"public_id": second.public_id})
        )
    assert [[b.pk for b in seats], [r.pk for r in found]] == alone
    assert seats[0].item.title  # joined rows built as alone


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode")
def test_reads_together_travel_in_one_pipeline(people, pipeline_states):
    first, second = people
    read_together((SEATS, {"registration": first.pk}), (SEATS, {"registration": second.pk}))
    assert pipeline_states == [pq.PipelineStatus.ON, pq.PipelineStatus.ON]
    # The control: one read alone waits for its answer as any query does.
    SEATS(registration=first.pk)
    assert pipeline_states[2:] == [pq.PipelineStatus.OFF]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode")
def test_without_pipeline_support_the_reads_run_one_after_another(people, pipeline_states, monkeypatch):
    """A libpq older than 14 has no pipeline mode: the same results, one read at a time."""
    monkeypatch.setattr(Pipeline, "is_supported", classmethod(lambda cls: False))
    first, second = people
    seats, other = read_together((SEATS, {"registration": first.pk}), (SEATS, {"registration": second.pk}))
    assert ([b.registration_id for b in seats], [b.registration_id for b in other]) == (
        [first.pk, first.pk],
        [second.pk],
    )
    assert pipeline_states == [pq.PipelineStatus.OFF, pq.PipelineStatus.OFF]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's pipeline mode")
def test_a_failing_read_together_raises_djangos_error_and_leaves_the_connection_usable(people):
    broken = PreparedQuery(
        lambda: Registration.objects.filter(pk=Slot("registration", IntegerField())).annotate(
            broken=RawSQL("1 / 0", ())
        )
    )
    first, _ = people
    with pytest.raises(DataError, match="division by zero"), transaction.atomic():
        read_together((SEATS, {"registration": first.pk}), (broken, {"registration": first.pk}))
    assert [b.registration_id for b in SEATS(registration=first.pk)] == [first.pk, first.pk]
