"""Hand-written statements for the reads every request makes, and for the submit.

Why not the ORM here: building a query through the ORM costs 0.4 to 0.9 ms of Python on a
two-core server, whatever the query, and every page under ``/o/<org>/`` used to build four
of them before drawing anything (the session, its user, the memberships, the workshop).
On the wall chart page that was half of the time; the submit, the busiest write of the
day, built twenty (bench/README.md, findings 7 and 10). The rows come back as the same
model instances the ORM would give, through ``Model.from_db`` and each field's database
converters, so the rest of the code cannot tell the difference.

Everywhere else the ORM stays: it is clearer, and a query more is not where the time goes.
The SQL is standard, for PostgreSQL and for SQLite in the quick start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Model


@dataclass(frozen=True)
class Columns:
    """A model's concrete columns under a table alias, in a fixed order, for a SELECT list."""

    model: type[Model]
    alias: str
    attnames: tuple[str, ...]
    sql: str  # qualified by the alias, for a SELECT list
    names: str  # unqualified, for an INSERT's columns or a RETURNING list
    _fields: tuple = field(repr=False)
    _pk_index: int = field(repr=False)
    # Per database vendor: (position, column, converters) of the columns that need any.
    _conversions: dict = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.attnames)

    def instance(self, connection, row: Sequence, start: int) -> Model | None:
        """The instance held by ``row[start:start + len(self)]``, or None where an outer
        join found no row (its primary key is null)."""
        values = row[start : start + len(self.attnames)]
        if values[self._pk_index] is None:
            return None
        # Worked out once per database vendor: the converters depend on the backend, and
        # each is handed the connection it converts for.
        conversions = self._conversions.get(connection.vendor)
        if conversions is None:
            conversions = self._conversions[connection.vendor] = self._converters(connection)
        if conversions:
            values = list(values)
            for i, col, converters in conversions:
                for convert in converters:
                    values[i] = convert(values[i], col, connection)
        return self.model.from_db(connection.alias, self.attnames, values)

    def _converters(self, connection) -> list:
        """What the ORM applies to these columns' values on this database: nothing for most
        columns on PostgreSQL; dates, booleans and UUIDs on SQLite."""
        found = []
        for i, f in enumerate(self._fields):
            col = f.get_col(self.alias)
            converters = [
                *connection.ops.get_db_converters(col),
                *col.get_db_converters(connection),
            ]
            if converters:
                found.append((i, col, converters))
        return found


def columns(model: type[Model], alias: str) -> Columns:
    fields = tuple(model._meta.concrete_fields)
    attnames = tuple(f.attname for f in fields)
    return Columns(
        model=model,
        alias=alias,
        attnames=attnames,
        sql=", ".join(f'{alias}."{f.column}"' for f in fields),
        names=", ".join(f'"{f.column}"' for f in fields),
        _fields=fields,
        _pk_index=attnames.index(model._meta.pk.attname),
    )


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def values(connection, instance: Model, attnames: Sequence[str]) -> list:
    """What the ORM would send for these fields of ``instance``: UUIDs, dates and the like
    as this database stores them."""
    return [
        instance._meta.get_field(attname).get_db_prep_save(getattr(instance, attname), connection)
        for attname in attnames
    ]


def rows(connection, sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute(connection, sql: str, params: Sequence) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
