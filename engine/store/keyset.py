"""Keyset pages of a long list: a stable order, and a cursor that says where the next or previous page begins.

A page never counts or skips rows: it asks for the rows after (or before) the last (first) row shown, in an order
that ends with a unique key, so a page costs the same on the first page and the ten-thousandth, and a row added
meanwhile never shows twice. The cursor is an opaque token (URL-safe base64 of JSON) holding the order's name,
the direction and the values of the row it starts from.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, literal, or_, select, true, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from ..errors import InvalidInput
from .paging import MAX_PER_PAGE

PER_PAGE = 50
"""Rows on a page of a long list (the inbox, the case list) unless the reader asks for another number."""
Row = TypeVar("Row")

BIGGEST = 2**63 - 1


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > BIGGEST:
        raise ValueError(value)
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError(value)
    return value


def _instant(value: Any) -> datetime:
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ValueError(value)
    return instant


_DECODERS: dict[type, Callable[[Any], Any]] = {int: _whole, str: _text, date: date.fromisoformat, datetime: _instant}


@dataclass(frozen=True)
class Key:
    """One part of an order: an SQL expression, its Python type and whether it runs downwards."""

    expression: ColumnElement[Any] | InstrumentedAttribute[Any]
    kind: type
    is_descending: bool = False


@dataclass(frozen=True)
class Order:
    """A named order whose last key is unique (an id), so every row has one place."""

    name: str
    keys: tuple[Key, ...]

    def clauses(self, *, is_reversed: bool = False) -> list[ColumnElement[Any]]:
        return [key.expression.desc() if key.is_descending != is_reversed else key.expression.asc()
                for key in self.keys]

    def after(self, values: Sequence[Any], *, is_reversed: bool = False) -> ColumnElement[bool]:
        """The rows after the row with ``values`` in this order (before it when ``is_reversed``)."""
        if len({key.is_descending for key in self.keys}) == 1:  # one row-value comparison: an index range
            columns = tuple_(*(key.expression for key in self.keys))
            bound = tuple_(*(literal(v, key.expression.type) for key, v in zip(self.keys, values, strict=True)))
            return columns < bound if self.keys[0].is_descending != is_reversed else columns > bound
        alternatives = []
        for n, key in enumerate(self.keys):
            equal = [k.expression == v for k, v in zip(self.keys[:n], values[:n], strict=True)]
            later = key.expression < values[n] if key.is_descending != is_reversed else key.expression > values[n]
            alternatives.append(and_(*equal, later))
        return or_(false(), *alternatives)

    def from_first(self, values: Sequence[Any], *, is_reversed: bool = False) -> ColumnElement[bool]:
        """The rows whose first key is not before that of the row with ``values``: implied by ``after``, but
        said on one column, so an index on it (the case reference on another table than the id) starts there."""
        first = self.keys[0]
        bound = literal(values[0], first.expression.type)
        return first.expression <= bound if first.is_descending != is_reversed else first.expression >= bound

    def from_start(self) -> ColumnElement[bool]:
        """Every row, said on the first key as ``from_first`` says it when that key is text: the first page then
        walks the index the next pages walk (SQLite otherwise sorted every row of the list to show it)."""
        first = self.keys[0]
        if first.kind is str and not first.is_descending:
            return first.expression >= literal("", first.expression.type)
        return true()


@dataclass(frozen=True)
class Cursor:
    """Where a page begins: after (or, ``is_before``, before) the row with ``values`` in order ``order``."""

    order: str
    values: tuple[Any, ...]
    is_before: bool = False

    def token(self) -> str:
        plain = [v.isoformat() if isinstance(v, date) else v for v in self.values]
        raw = json.dumps({"o": self.order, "b": self.is_before, "v": plain}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor(token: str | None, order: Order) -> Cursor | None:
    """The cursor a token holds for ``order``; ``InvalidInput`` for a token that is not one of its cursors."""
    if not token:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        values = raw["v"]
        if raw["o"] != order.name or len(values) != len(order.keys) or not isinstance(raw["b"], bool):
            raise ValueError(token)
        decoded = tuple(_DECODERS[key.kind](v) for key, v in zip(order.keys, values, strict=True))
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError, AttributeError):
        raise InvalidInput("the cursor was refused", {"cursor": ["a cursor of this list's order"]}) from None
    return Cursor(order.name, decoded, raw["b"])


def check_limit(limit: int) -> None:
    """``InvalidInput`` for fewer than 1 or more than ``MAX_PER_PAGE`` rows per page."""
    if not 1 <= limit <= MAX_PER_PAGE:
        raise InvalidInput("the page was refused", {"limit": [f"between 1 and {MAX_PER_PAGE}"]})


def paged(query: Select, order: Order, start: Cursor | None, limit: int) -> Select:
    """``query`` in ``order`` from ``start``, one row more than ``limit`` (it tells whether more follow)."""
    is_before = start is not None and start.is_before
    if start is not None:
        query = query.where(order.after(start.values, is_reversed=is_before),
                            order.from_first(start.values, is_reversed=is_before))
    else:
        query = query.where(order.from_start())
    return query.order_by(*order.clauses(is_reversed=is_before)).limit(limit + 1)


def paged_few(query: Select, order: Order, start: Cursor | None, limit: int,
              row_id: ColumnElement[int] | InstrumentedAttribute[int]) -> Select:
    """``paged`` for a query that finds few rows: it gathers them all first (their ``row_id`` and keys, in a
    materialized set), orders them and reads the page's rows, so the database never walks an index in the order's
    direction looking for them, however it estimates their number. Its last columns are the keys, as ``paged``'s
    with the keys added."""
    keys = [key.expression.label(f"key_{n}") for n, key in enumerate(order.keys)]
    found = query.with_only_columns(row_id.label("row_id"), *keys).cte("found").prefix_with("MATERIALIZED")
    top = paged(select(found.c.row_id, *(found.c[k.name] for k in keys)), _on(order, found), start, limit)
    chosen = top.subquery("chosen")
    is_before = start is not None and start.is_before
    return (query.join(chosen, row_id == chosen.c.row_id).add_columns(*(chosen.c[k.name] for k in keys))
            .order_by(*_on(order, chosen).clauses(is_reversed=is_before)))


def _on(order: Order, rows: Any) -> Order:
    """``order`` on the keys as the columns ``key_0``, ``key_1``... of ``rows`` (a CTE or subquery) hold them."""
    return Order(order.name, tuple(Key(rows.c[f"key_{n}"], key.kind, key.is_descending)
                                   for n, key in enumerate(order.keys)))


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of a list in its order, with the cursors of the pages before and after it (None at either end)."""

    rows: tuple[Row, ...]
    previous_cursor: str | None
    next_cursor: str | None
    limit: int


@dataclass(frozen=True)
class Window:
    """What a page fetched, in reading order, and whether rows lie before and after it."""

    rows: list[Any]
    has_before: bool
    has_after: bool


def window(rows: list[Any], start: Cursor | None, limit: int) -> Window:
    """The page from rows fetched by ``paged`` (one more than ``limit`` when more follow in its direction)."""
    more = len(rows) > limit
    rows = rows[:limit]
    if start is not None and start.is_before:
        return Window(rows[::-1], more, True)
    return Window(rows, start is not None, more)
