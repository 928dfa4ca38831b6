"""Reads whose SQL is compiled once per process, and statements PostgreSQL plans once per
connection (docs/performance.md).

Django compiles a queryset anew each time it runs it (its joins, columns and order), and for a
short read by key that costs several times what the database takes to answer it: on the
attendee's own pages, six such reads were half of each request's CPU. A `PreparedQuery` compiles
its queryset once per database, with a `Slot` where each call's value goes, then runs the same SQL
with the new values and builds the instances (those joined by `select_related`, the annotations)
as the ORM does. django-prepared-queries did this for Django 1.x and is no longer kept up.

A prepared query has no other variable part: its filters, order and limit are fixed, and each
slot is compared with `=`. Its statement, and common.rows' statements, run on `prepared_cursor`.
Reads that do not wait for each other's results go to the database together (`read_together`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models.query import get_related_populators
from psycopg import ClientCursor, Pipeline


class Slot(Expression):
    """Where a call's value goes in a prepared query: `filter(registration_id=Slot("registration",
    IntegerField()))`; the field converts the value as a filter on it would."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", (_SlotValue(self.name, self.output_field),)


@dataclass(frozen=True)
class _SlotValue:
    name: str
    field: Field


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # (position in params, slot name, field)
    converters: tuple  # (column, converters, expression)
    model: type[Model]
    fields: slice  # the model's own columns in a row
    attnames: tuple
    related: tuple  # populators of the joined models, stateless
    annotations: tuple  # (name, column)


class PreparedQuery:
    """`build()` returns the queryset, with `Slot`s for the values; calling the prepared query
    with those values by name gives the list of instances the queryset would give."""

    def __init__(self, build: Callable[[], QuerySet]):
        self._build = build
        self._model: type[Model] | None = None
        self._compiled: dict[str, _Compiled] = {}

    def __call__(self, **values) -> list[Model]:
        return read_together((self, values))[0]

    def _statement(self, values: dict) -> "_Statement":
        if self._model is None:
            self._model = self._build().model
        alias = router.db_for_read(self._model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        connection = connections[alias]
        params = list(compiled.params)
        for position, name, field in compiled.slots:
            params[position] = field.get_db_prep_value(values[name], connection, prepared=False)
        return _Statement(alias, compiled, params)

    def _compile(self, alias: str) -> _Compiled:
        queryset = self._build()
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = tuple(
            (position, param.name, param.field)
            for position, param in enumerate(params)
            if isinstance(param, _SlotValue)
        )
        select, klass_info = compiler.select, compiler.klass_info
        converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])
        own = klass_info["select_fields"]
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            converters=tuple(
                (position, convs, expression) for position, (convs, expression) in converters.items()
            ),
            model=klass_info["model"],
            fields=slice(own[0], own[-1] + 1),
            attnames=tuple(column[0].target.attname for column in select[own[0] : own[-1] + 1]),
            related=tuple(get_related_populators(klass_info, select, alias)),
            annotations=tuple((compiler.annotation_col_map or {}).items()),
        )
        self._compiled[alias] = compiled
        return compiled

    @staticmethod
    def _instance(compiled: _Compiled, row: tuple, alias: str, connection) -> Model:
        if compiled.converters:
            row = list(row)
            for position, convs, expression in compiled.converters:
                row[position] = converted(row[position], convs, expression, connection)
        instance = compiled.model.from_db(alias, compiled.attnames, row[compiled.fields])
        for populator in compiled.related:
            populator.populate(row, instance)
        for name, position in compiled.annotations:
            setattr(instance, name, row[position])
        return instance


@dataclass(frozen=True)
class _Statement:
    alias: str
    compiled: _Compiled
    params: list


def read_together(*reads: tuple[PreparedQuery, dict]) -> list[list[Model]]:
    """Prepared reads of one database, each `(query, values)`, as their lists of instances. On
    PostgreSQL they travel together (psycopg's pipeline mode): the statements go out in one
    message and their results come back in one, so the page waits for the database once, not once
    a read. Elsewhere they run one after another."""
    statements = [query._statement(values) for query, values in reads]
    alias = statements[0].alias
    if any(statement.alias != alias for statement in statements):
        raise ValueError("read_together reads one database")
    connection = connections[alias]
    cursors = [prepared_cursor(connection) for _ in statements]
    pairs = list(zip(cursors, statements, strict=True))
    try:
        if len(pairs) > 1 and isinstance(cursors[0].cursor, _PreparingCursor) and Pipeline.is_supported():
            # The results are fetched after the pipeline's end, which sends it and waits once.
            with connection.wrap_database_errors, connection.connection.pipeline():
                for cursor, statement in pairs:
                    cursor.execute(statement.compiled.sql, statement.params)
            rows = [cursor.fetchall() for cursor in cursors]
        else:
            rows = []
            for cursor, statement in pairs:
                cursor.execute(statement.compiled.sql, statement.params)
                rows.append(cursor.fetchall())
        return [
            [PreparedQuery._instance(statement.compiled, row, alias, connection) for row in statement_rows]
            for statement, statement_rows in zip(statements, rows, strict=True)
        ]
    finally:
        for cursor in cursors:
            cursor.close()


def converted(value, converters, expression, connection):
    """A column's value as the ORM's converters for it leave it (here and in common.rows)."""
    for converter in converters:
        value = converter(value, expression, connection)
    return value


def prepared_cursor(connection):
    """On PostgreSQL (psycopg 3), a cursor whose statements the server prepares, so each is also
    planned once per connection: planning the registration's joins took longer than running them
    (`prepare_threshold` in the settings allows it). For statements written once (here and in
    common.rows): their parameters are bound on the server, typed by psycopg. Wrapped as Django
    wraps its own cursors, so the query is logged and counted like any other."""
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
    ):
        return connection.cursor()
    # What `connection.cursor()` does before it makes one: a connection that died is replaced.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparingCursor(connection.connection))


class _PreparingCursor(ServerBindingCursor):
    def execute(self, query, params=None, **kwargs):
        super().execute(query, params, prepare=True)
        # A prepared statement's run leaves psycopg no text of the query, where Django's query log
        # (DEBUG, the tests' query counts) reads it: the text with its values, made when read.
        self._query = _QueryText(self.connection, query, params)
        return self


class _QueryText:
    def __init__(self, connection, sql: str, params):
        self._connection, self._sql, self._params = connection, sql, params

    @property
    def query(self) -> bytes:
        return ClientCursor(self._connection).mogrify(self._sql, self._params).encode()


def prefetched(instance: Model, name: str, related: list[Model]) -> None:
    """Give `instance.<name>.all()` the rows `related` (read by a prepared query) as
    `prefetch_related(name)` would: no query of its own, each row's link back to `instance` set."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()  # filtered to the instance: a `.filter()` on it stays so
    for row in related:
        manager.field.set_cached_value(row, instance)
    queryset._result_cache = related
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[manager.field.remote_field.cache_name] = queryset
