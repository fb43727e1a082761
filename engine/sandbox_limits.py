"""The guards diagram code runs with: every operation that could build a huge value in one C-level step.

The time limit of ``scripting`` works by tracing, which cannot interrupt one C-level call; so whatever could
grow a value in one call (arithmetic on integers, repetition, joining, formatting, unpacking) is checked here
before it runs. ``GUARDS`` and ``restricted_builtins()`` are what ``scripting`` hands to diagram code.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from functools import partial
from types import FunctionType
from typing import Any

import RestrictedPython as rp

from .errors import EngineError

MAX_ITEMS = 100_000  # items of one sequence, characters of one string or of one value written out as text
MAX_INT_BITS = 10_000
MAX_FORMAT_WIDTH = 10_000
MAX_DATA_SIZE = 1_000_000  # items and characters of the data a script leaves, shared references counted each time
MAX_STARRED = 10  # ``*x`` unpackings in one source
MAX_ZIPPED = 16  # sequences zipped together: zip(*rows) of many long rows would build every tuple in C
DENIED_ATTRIBUTES = frozenset(  # padding allocates in C, and x.extend(x) doubles in C (x += y is guarded)
    "format format_map mro translate ljust rjust center zfill expandtabs to_bytes extend".split())
DENIED_PREFIXES = ("_", "gi_", "cr_", "ag_", "f_", "tb_", "co_")


class ScriptRejected(EngineError):
    """Diagram code uses something the restricted engine does not allow; ``details`` lists compile problems."""

    code = "script_rejected"


class ScriptLimitExceeded(EngineError):
    """Diagram code ran too long, recursed too deeply or tried to build a value that is too large."""

    code = "script_limit_exceeded"



def is_too_wide(format_spec: str) -> bool:
    return any(len(digits) > 6 or int(digits) > MAX_FORMAT_WIDTH for digits in re.findall(r"[1-9]\d*", format_spec))


def _check_size(size: float, what: str, limit: int = MAX_ITEMS) -> None:
    if size > limit:
        raise ScriptLimitExceeded(f"{what} would build a value larger than the limit of {limit}")


def check_data(value: Any, what: str, limit: int = MAX_ITEMS) -> None:
    """Refuse ``value`` when writing it out as text or JSON would exceed ``limit`` items and characters."""
    sizes: dict[int, int] = {}

    def size(item: Any) -> int:
        if isinstance(item, (str, bytes)):
            return len(item)
        if not isinstance(item, (dict, list, tuple, set, frozenset)):
            return 1
        if id(item) not in sizes:
            sizes[id(item)] = 1  # a value that contains itself is written out as "[...]"
            parts = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            sizes[id(item)] = 1 + sum(size(part) for part in parts)
        return sizes[id(item)]

    _check_size(size(value), what, limit)


OPERATORS = {"+": "add", "-": "sub", "*": "mul", "/": "truediv", "//": "floordiv", "%": "mod", "**": "pow",
             "<<": "lshift", ">>": "rshift", "&": "and_", "|": "or_", "^": "xor", "@": "matmul"}


def _binop(symbol: str, left: Any, right: Any, in_place: bool = False) -> Any:
    if symbol == "%" and isinstance(left, (str, bytes)):
        raise ScriptRejected("%-formatting is not allowed in diagram code; use f-strings")
    size, limit = _result_size(symbol, left, right)
    _check_size(size, f"'{symbol}'", limit)
    name = OPERATORS[symbol]
    return getattr(operator, "i" + name.rstrip("_") if in_place else name)(left, right)


def _result_size(symbol: str, left: Any, right: Any) -> tuple[float, int]:
    """Estimate, before computing it, how large ``left <symbol> right`` would be, and the limit that applies."""
    if isinstance(left, int) and isinstance(right, int):
        if symbol == "**" and abs(left) > 1:
            return min(right, MAX_INT_BITS + 1) * math.log2(abs(left)), MAX_INT_BITS
        if symbol == "<<" and left:
            return left.bit_length() + right, MAX_INT_BITS
        return (left.bit_length() + right.bit_length() if symbol == "*" else 0), MAX_INT_BITS
    lengths = [len(v) if isinstance(v, (str, bytes, list, tuple)) else 0 for v in (left, right)]
    times = right if isinstance(right, int) else left if isinstance(left, int) else 0
    return {"+": sum(lengths), "*": max(lengths) * times}.get(symbol, 0), MAX_ITEMS


def _format(value: Any, conversion: int, format_spec: str) -> str:
    if is_too_wide(format_spec):
        raise ScriptLimitExceeded(f"format widths above {MAX_FORMAT_WIDTH} are not allowed")
    check_data(value, "an f-string")
    if conversion != -1:
        value = (str if conversion == ord("s") else repr if conversion == ord("r") else ascii)(value)
    return format(value, format_spec)


def _starred(value: Any) -> Any:
    _check_size(len(value) if hasattr(value, "__len__") else 0, "'*' unpacking")
    return value


def _key(function: Any) -> Any:
    if function is not None and not isinstance(function, FunctionType):  # sorted() calls a C key untraced
        raise ScriptRejected("key= takes a lambda or a def in diagram code")
    return function


def _join(separator: str | bytes, items: Any) -> str | bytes:
    items = list(items)
    pieces = sum(len(item) for item in items if isinstance(item, (str, bytes)))
    _check_size(pieces + len(separator) * max(len(items) - 1, 0), "join()")
    return separator.join(items)


def _replace(text: str | bytes, old: Any, new: Any, count: int = -1) -> str | bytes:
    hits = text.count(old) if count < 0 else min(count, text.count(old))
    _check_size(len(text) + hits * (len(new) - len(old)), "replace()")
    return text.replace(old, new, count)


AMPLIFIERS: dict[str, tuple[tuple[type, ...], Callable[..., Any]]] = {"join": ((str, bytes), _join),
                                                                       "replace": ((str, bytes), _replace)}


def _getattr(obj: Any, name: str) -> Any:
    if name.startswith(DENIED_PREFIXES) or name in DENIED_ATTRIBUTES:
        raise ScriptRejected(f"attribute '{name}' is not allowed in diagram code")
    kinds, guard = AMPLIFIERS.get(name, ((), None))
    if kinds and isinstance(obj, type):
        raise ScriptRejected(f"call '{name}' on a value, not on its type")
    if guard is not None and isinstance(obj, kinds):
        return partial(guard, obj)
    return rp.Guards.safer_getattr_raise(obj, name)


class _StrType(type):
    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, str)


class _Str(str, metaclass=_StrType):
    """``str`` for diagram code: refuses to write out too large a value; ``isinstance(x, str)`` still works."""

    def __new__(cls, value: Any = "", *args: Any) -> str:  # type: ignore[misc]
        check_data(value, "str()")
        return str(value, *args)


def restricted_builtins() -> dict[str, Any]:
    """Builtins for diagram code; no ``map`` or ``filter``, since a C function applied by C code runs untraced."""

    def round_(number: Any, ndigits: int | None = None) -> Any:
        _check_size(abs(ndigits or 0), "round()", MAX_INT_BITS // 4)  # round(n, -d) computes 10 ** d first
        return round(number, ndigits)

    def zip_(*sequences: Any) -> Any:
        _check_size(len(sequences), "zip()", MAX_ZIPPED)
        return zip(*sequences, strict=False)

    def sum_(numbers: Any, start: Any = 0) -> Any:
        if not isinstance(start, (int, float)):  # sum(lists, []) would copy ever longer lists in C
            raise ScriptRejected("sum() adds numbers only in diagram code")
        return sum(numbers, start)

    def range_(*args: int) -> Any:
        range(*args)  # Python's own errors first: a zero step is not a size problem
        try:
            return rp.Limits.limited_range(*args)
        except (ValueError, OverflowError) as err:
            raise ScriptLimitExceeded(str(err)) from err

    removed = {"__build_class__", "_getattr_", "setattr", "delattr", "hash", "id", "repr"}
    allowed = {k: v for k, v in {**rp.safe_builtins, **rp.limited_builtins}.items() if k not in removed}
    return {**allowed, "min": min, "max": max, "any": any, "all": all, "enumerate": enumerate, "sorted": sorted,
            "reversed": reversed, "dict": dict, "list": list, "tuple": tuple, "set": set, "frozenset": frozenset,
            "str": _Str, "range": range_, "round": round_, "zip": zip_, "sum": sum_,
            "pow": lambda base, exponent: _binop("**", base, exponent)}  # pow(a, b, m) on huge ints runs long in C


GUARDS = {"_getattr_": _getattr, "_getitem_": rp.Eval.default_guarded_getitem, "_write_": rp.Guards.full_write_guard,
          "_getiter_": rp.Eval.default_guarded_getiter, "_unpack_sequence_": rp.Guards.guarded_unpack_sequence,
          "_iter_unpack_sequence_": rp.Guards.guarded_iter_unpack_sequence, "_key_": _key,
          "_binop_": _binop, "_inplacevar_": lambda op, x, y: _binop(op[:-1], x, y, in_place=True),
          "_format_": _format, "_starred_": _starred,
          "_apply_": lambda f, /, *args, **kw: f(*args, **{k: _key(v) if k == "key" else v for k, v in kw.items()})}


