"""What a script may leave in the task data: JSON data, within size limits, named by variable when refused.

Task data is stored as JSON with the instance (and parts of it in audit events and work items), so a value JSON
cannot hold (bytes, a set, a generator, a complex number, an exception, NaN) would only fail later, when the
instance is saved. It is refused here, when the script that made it ends, with the name of the variable.
Tuples are accepted: JSON writes them as arrays, so the next task reads a list.
"""

from __future__ import annotations

import math
from typing import Any

from .sandbox_limits import MAX_DATA_SIZE, ScriptLimitExceeded, ScriptRejected

MAX_DEPTH = 64  # nesting of lists and objects
SCALARS = (type(None), bool, int, str)


def check_results(results: dict[str, Any]) -> None:
    """Refuse the data a script leaves unless every variable holds JSON data; the whole within ``MAX_DATA_SIZE``.

    Raises ScriptRejected (a value JSON cannot hold) or ScriptLimitExceeded (too large or too deep), naming the
    variable.
    """
    budget = [MAX_DATA_SIZE]
    for name, value in results.items():
        problem = _problem(value, budget)
        if problem:
            raise ScriptRejected(f"the script leaves '{name}' as {problem}; task data must be JSON data "
                                 "(text, numbers, true/false, null, lists and objects with text keys)",
                                 [{"variable": name, "problem": problem}])
        if budget[0] < 0:
            raise ScriptLimitExceeded(f"the task data a script leaves is larger than the limit of {MAX_DATA_SIZE} "
                                      f"items and characters (at '{name}')", [{"variable": name}])


def _problem(value: Any, budget: list[int]) -> str | None:
    """Walk ``value`` without recursion; say what in it is no JSON data, else None (``budget`` counts down)."""
    stack = [(value, 0)]
    while stack and budget[0] >= 0:
        item, depth = stack.pop()
        budget[0] -= 1
        kind = type(item)
        if kind is float and not math.isfinite(item):
            return f"a number JSON cannot hold ({item})"
        if kind is str:
            budget[0] -= len(item)
            if "\x00" in item or not item.isascii() and not _is_utf8(item):
                return "a text with a NUL character or an unpaired surrogate"
        elif kind in (list, tuple, dict):
            if depth >= MAX_DEPTH:
                return f"data nested more than {MAX_DEPTH} levels deep"
            if kind is dict and any(type(key) is not str for key in item):
                return "an object whose keys are not all texts"
            budget[0] -= len(item)
            parts = [*item, *item.values()] if kind is dict else item
            stack.extend((part, depth + 1) for part in parts if budget[0] >= 0)
        elif kind not in SCALARS and kind is not float:
            return f"a value of type {kind.__name__}"
    return None


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
