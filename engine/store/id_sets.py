"""A set of ids as one bind parameter: ``column.in_(id_set(session, ids))`` instead of one parameter per id.

PostgreSQL refuses a statement with more than 65,535 parameters; a JSON array read by the database's own JSON
function (``json_each`` on SQLite, ``json_array_elements_text`` on PostgreSQL) has no such limit and keeps the
statement the same whatever the number of ids, so it is prepared once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import JSON, Integer, Select, String, bindparam, cast, func, select
from sqlalchemy.orm import Session


def id_set(session: Session, ids: Iterable[int]) -> Select:
    """A one-column select of ``ids`` that carries them in a single bind parameter."""
    payload = bindparam(None, json.dumps(sorted({int(i) for i in ids})), type_=String)
    if session.get_bind().dialect.name == "postgresql":
        elements = func.json_array_elements_text(cast(payload, JSON)).table_valued("value")
        return select(cast(elements.c.value, Integer))
    return select(func.json_each(payload).table_valued("value").c.value)
