"""Rows inserted, updated and locked with statements written once (docs/performance.md).

The ORM builds and compiles a statement anew each time it runs one: on the sign-up, the busiest
write of the site, that was most of the cost of each of its inserts and of the seat lock. These
write the same rows with a statement written once per model, columns and number of rows; each
value is converted as the ORM converts it. They take plain values (no expressions) and are for
models without a multi-table parent. `create` sends the signals `save()` sends; `insert` and
`update`, like `bulk_create()` and `update()`, none.
"""

import functools
from collections.abc import Sequence

from django.db import connections, router, transaction
from django.db.models import Model, signals

from .prepared import converted, prepared_cursor


def create(obj: Model) -> None:
    """Save a new instance as `save()` does: `pre_save` (django-tasks-db fills a task's defaults
    there), one INSERT, `post_save` (the audit trail's entry)."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    signals.pre_save.send(sender=model, instance=obj, raw=False, using=alias, update_fields=None)
    insert([obj])
    signals.post_save.send(
        sender=model, instance=obj, created=True, update_fields=None, raw=False, using=alias
    )


def insert(objs: Sequence[Model]) -> None:
    """Insert new instances of one model in one statement, as `bulk_create()` does: each field's
    `pre_save` (`auto_now_add`), each value as the database takes it; each instance gets the
    primary key the database gives it."""
    if not objs:
        return
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = _inserted_fields(model)
    for obj in objs:  # refuses an unsaved related object, as bulk_create() does
        obj._prepare_related_fields_for_save(operation_name="insert")
    params = [
        field.get_db_prep_save(field.pre_save(obj, add=True), connection) for obj in objs for field in fields
    ]
    returning = (
        model._meta.db_returning_fields if connection.features.can_return_rows_from_bulk_insert else []
    )
    with transaction.mark_for_rollback_on_error(alias), prepared_cursor(connection) as cursor:
        cursor.execute(_insert_sql(model, alias, len(objs), bool(returning)), params)
        if returning:
            for obj, values in zip(objs, cursor.fetchall(), strict=True):
                for field, value in zip(returning, values, strict=True):
                    setattr(obj, field.attname, value)
    for obj in objs:
        obj._state.adding, obj._state.db = False, alias


def update(model: type[Model], pk, **values) -> None:
    """Set columns of one row, found by primary key, as `filter(pk=…).update(…)` does."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    names = tuple(values)
    params = [model._meta.get_field(name).get_db_prep_save(values[name], connection) for name in names]
    params.append(model._meta.pk.get_db_prep_value(pk, connection))
    with transaction.mark_for_rollback_on_error(alias), prepared_cursor(connection) as cursor:
        cursor.execute(_update_sql(model, alias, names), params)


def locked_values(model: type[Model], pks: Sequence, names: Sequence[str]) -> list[tuple]:
    """The values of the columns `names` ("pk" for the primary key) of the rows `pks`, in primary
    key order, locked `FOR UPDATE` (where the database has it) until the transaction ends, as
    `select_for_update().filter(pk__in=…).order_by("pk").values_list(…)` gives them."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    cols = [(meta.pk if name == "pk" else meta.get_field(name)).get_col(meta.db_table) for name in names]
    converters = [
        [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)] for col in cols
    ]
    with prepared_cursor(connection) as cursor:
        cursor.execute(
            _locking_sql(model, alias, tuple(names), len(pks)),
            [meta.pk.get_db_prep_value(pk, connection) for pk in pks],
        )
        rows = cursor.fetchall()
    if not any(converters):
        return rows
    return [tuple(map(converted, row, converters, cols, [connection] * len(cols))) for row in rows]


@functools.cache
def _inserted_fields(model: type[Model]) -> list:
    return [field for field in model._meta.concrete_fields if not field.db_returning]


# Names from the models' metadata, quoted; every value is a parameter.
@functools.cache
def _insert_sql(model: type[Model], alias: str, count: int, returning: bool) -> str:
    quote = connections[alias].ops.quote_name
    table, columns = quote(model._meta.db_table), [quote(field.column) for field in _inserted_fields(model)]
    rows = ", ".join([f"({', '.join(['%s'] * len(columns))})"] * count)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {rows}"  # noqa: S608
    if returning:
        sql += " RETURNING " + ", ".join(quote(field.column) for field in model._meta.db_returning_fields)
    return sql


@functools.cache
def _update_sql(model: type[Model], alias: str, names: tuple[str, ...]) -> str:
    quote = connections[alias].ops.quote_name
    meta = model._meta
    assignments = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in names)
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608


@functools.cache
def _locking_sql(model: type[Model], alias: str, names: tuple[str, ...], count: int) -> str:
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(quote((meta.pk if name == "pk" else meta.get_field(name)).column) for name in names)
    pk = quote(meta.pk.column)
    sql = (
        f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {pk} IN ({', '.join(['%s'] * count)}) ORDER BY {pk}"
    )
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    return sql
