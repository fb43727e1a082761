"""The guards diagram code runs with: every operation that could build a huge value in one C-level step.

The time limit of ``scripting`` works by tracing, which cannot interrupt one C-level call; so whatever could
grow a value in one call (arithmetic on integers, repetition, joining, formatting, unpacking, case changes and
encodings, building sets and dicts) is checked here. ``GUARDS`` and ``restricted_builtins()`` are what
``scripting`` hands to diagram code.

Integers are limited to 64 bits (``MAX_INT_BITS``) at every operation that makes one: literals, arithmetic and
its in-place forms, ``int()``, ``pow()``, ``divmod()``, ``round()``, ``sum()``. Big-integer arithmetic is
quadratic in C, and below 2**64 at most a handful of integers share a hash, so no set of crafted integers can
collide. A set or dict built or merged in one call (``set()``, ``dict()``, ``|``, ``update()``, ``{*x}``,
``{**d}``) holds at most ``MAX_HASHED`` items, so even crafted colliding tuples cost milliseconds; one built item
by item runs traced, under the time limit. ``list()``, ``tuple()`` and ``sorted()`` take at most ``MAX_ITEMS``.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Callable, Mapping, Set, Sized
from functools import partial
from types import FunctionType
from typing import Any

import RestrictedPython as rp

from ..errors import EngineError

MAX_ITEMS = 100_000  # items of one sequence, characters of one string or of one value written out as text
MAX_INT_BITS = 64
MAX_INT_DIGITS = 100  # characters of a text int() converts
MAX_HASHED = 1_000  # items of a set or dict built or merged by one call
MAX_ROUND_DIGITS = 20
MAX_FORMAT_WIDTH = 10_000
MAX_DATA_SIZE = 1_000_000  # items and characters of the data a script leaves, shared references counted each time
MAX_STARRED = 10  # ``*x`` unpackings in one source
MAX_ZIPPED = 16  # sequences zipped together: zip(*rows) of many long rows would build every tuple in C
DENIED_ATTRIBUTES = frozenset(  # padding allocates in C, and x.extend(x) doubles in C (x += y is guarded)
    "format format_map mro translate ljust rjust center zfill expandtabs to_bytes extend fromkeys".split())
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
    _check_int(left, f"'{symbol}'")
    _check_int(right, f"'{symbol}'")
    size, limit = _result_size(symbol, left, right)
    _check_size(size, f"'{symbol}'", limit)
    name = OPERATORS[symbol]
    return _check_int(getattr(operator, "i" + name.rstrip("_") if in_place else name)(left, right), f"'{symbol}'")


def _check_int(value: Any, what: str) -> Any:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise ScriptLimitExceeded(f"{what}: integers are limited to {MAX_INT_BITS} bits in diagram code")
    return value


def _result_size(symbol: str, left: Any, right: Any) -> tuple[float, int]:
    """Estimate, before computing it, how large ``left <symbol> right`` would be, and the limit that applies."""
    if isinstance(left, int) and isinstance(right, int):
        if symbol == "**" and abs(left) > 1:
            return min(right, MAX_INT_BITS + 1) * math.log2(abs(left)), MAX_INT_BITS
        if symbol == "<<" and left:
            return left.bit_length() + right, MAX_INT_BITS
        return (left.bit_length() + right.bit_length() if symbol == "*" else 0), MAX_INT_BITS
    if symbol in ("|", "&", "-", "^") and any(isinstance(v, (Set, Mapping)) for v in (left, right)):
        return sum(len(v) if isinstance(v, Sized) else 0 for v in (left, right)), MAX_HASHED
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


def _grown(name: str, value: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a method whose result is at most a few times longer than ``value``, and check that result."""
    result = getattr(value, name)(*args, **kwargs)
    _check_size(len(result), f"{name}()")
    return result


def _merged(name: str, collection: Any, *others: Any, **kwargs: Any) -> Any:
    """Call a method that merges ``others`` into a set or dict, when all of them hold at most ``MAX_HASHED`` items."""
    others = tuple(_sized(other) for other in others)
    _check_size(len(collection) + sum(len(other) for other in others) + len(kwargs), f"{name}()", MAX_HASHED)
    return getattr(collection, name)(*others, **kwargs)


def _sized(items: Any) -> Any:
    return items if isinstance(items, Sized) else list(items)


GROWING = "hex encode upper lower casefold title capitalize swapcase".split()
MERGING = ("union update intersection intersection_update difference difference_update symmetric_difference "
           "symmetric_difference_update issubset issuperset isdisjoint").split()
AMPLIFIERS: dict[str, tuple[tuple[type, ...], Callable[..., Any]]] = {
    "join": ((str, bytes), _join), "replace": ((str, bytes), _replace),
    **{name: ((str, bytes, bytearray), partial(_grown, name)) for name in GROWING},
    **{name: ((set, frozenset, dict), partial(_merged, name)) for name in MERGING}}


def _getattr(obj: Any, name: str) -> Any:
    if name.startswith(DENIED_PREFIXES) or name in DENIED_ATTRIBUTES:
        raise ScriptRejected(f"attribute '{name}' is not allowed in diagram code")
    kinds, guard = AMPLIFIERS.get(name, ((), None))
    if kinds and isinstance(obj, type):
        raise ScriptRejected(f"call '{name}' on a value, not on its type")
    if guard is not None and isinstance(obj, kinds):
        return partial(guard, obj)
    return rp.Guards.safer_getattr_raise(obj, name)


def _as_type(base: type, make: Callable[..., Any]) -> type:
    """A stand-in for ``base`` whose calls go through ``make``; ``isinstance(x, base)`` still works with it."""
    meta = type(f"_{base.__name__}_type", (type,), {
        "__instancecheck__": lambda cls, instance: isinstance(instance, base),
        "__subclasscheck__": lambda cls, subclass: issubclass(subclass, base)})
    return meta(base.__name__, (base,), {"__new__": lambda cls, *args, **kwargs: make(*args, **kwargs)})


def _str(value: Any = "", *args: Any) -> str:
    check_data(value, "str()")
    return str(value, *args)


def _int(value: Any = 0, *args: Any) -> int:
    if isinstance(value, (str, bytes, bytearray)) and len(value) > MAX_INT_DIGITS:
        raise ScriptLimitExceeded(f"int() converts texts of at most {MAX_INT_DIGITS} characters in diagram code")
    return _check_int(int(value, *args), "int()")


def _hashed(base: type) -> Callable[..., Any]:
    def make(items: Any = (), /, **kwargs: Any) -> Any:
        items = _sized(items)
        _check_size(len(items) + len(kwargs), f"{base.__name__}()", MAX_HASHED)
        return base(items, **kwargs)
    return make


def _hashed_display(items: Any) -> Any:
    """Check what ``{*items}`` or ``{**items}`` merges into a set or dict display."""
    _check_size(len(items) if isinstance(items, Sized) else 0, "a set or dict display", MAX_HASHED)
    return items


def _sequence(build: Callable[..., Any]) -> Callable[..., Any]:
    def make(items: Any = (), /, **kwargs: Any) -> Any:
        _check_size(len(items) if isinstance(items, Sized) else 0, f"{getattr(build, '__name__', 'a sequence')}()")
        return build(items, **kwargs)
    return make


@functools.cache
def restricted_builtins() -> dict[str, Any]:
    """Builtins for diagram code; no ``map`` or ``filter``, since a C function applied by C code runs untraced.

    Built once and shared by every script engine: diagram code cannot change them (no attribute or item assignment
    reaches ``__builtins__``)."""

    def round_(number: Any, ndigits: int | None = None) -> Any:
        _check_size(abs(ndigits or 0), "round()", MAX_ROUND_DIGITS)  # round(n, -d) computes 10 ** d first
        return _check_int(round(number, ndigits), "round()")

    def zip_(*sequences: Any) -> Any:
        _check_size(len(sequences), "zip()", MAX_ZIPPED)
        return zip(*sequences, strict=False)

    def sum_(numbers: Any, start: Any = 0) -> Any:
        if not isinstance(start, (int, float)):  # sum(lists, []) would copy ever longer lists in C
            raise ScriptRejected("sum() adds numbers only in diagram code")
        return _check_int(sum(numbers, start), "sum()")

    def range_(*args: int) -> Any:
        range(*args)  # Python's own errors first: a zero step is not a size problem
        try:
            return rp.Limits.limited_range(*args)
        except (ValueError, OverflowError) as err:
            raise ScriptLimitExceeded(str(err)) from err

    removed = {"__build_class__", "_getattr_", "setattr", "delattr", "hash", "id", "repr"}
    allowed = {k: v for k, v in {**rp.safe_builtins, **rp.limited_builtins}.items() if k not in removed}
    hashed = {kind.__name__: _as_type(kind, _hashed(kind)) for kind in (set, frozenset, dict)}
    sequences = {kind.__name__: _as_type(kind, _sequence(kind)) for kind in (list, tuple)}
    return {**allowed, **hashed, **sequences, "min": min, "max": max, "any": any, "all": all, "enumerate": enumerate,
            "sorted": _sequence(sorted), "reversed": reversed, "str": _as_type(str, _str), "int": _as_type(int, _int),
            "range": range_, "round": round_, "zip": zip_, "sum": sum_,
            "divmod": lambda a, b: (_binop("//", a, b), _binop("%", a, b)),
            "pow": lambda base, exponent: _binop("**", base, exponent)}  # pow(a, b, m) on huge ints runs long in C


GUARDS = {"_getattr_": _getattr, "_getitem_": rp.Eval.default_guarded_getitem, "_write_": rp.Guards.full_write_guard,
          "_getiter_": rp.Eval.default_guarded_getiter, "_unpack_sequence_": rp.Guards.guarded_unpack_sequence,
          "_iter_unpack_sequence_": rp.Guards.guarded_iter_unpack_sequence, "_key_": _key,
          "_binop_": _binop, "_inplacevar_": lambda op, x, y: _binop(op[:-1], x, y, in_place=True),
          "_format_": _format, "_starred_": _starred, "_hashed_": _hashed_display,
          "_apply_": lambda f, /, *args, **kw: f(*args, **{k: _key(v) if k == "key" else v for k, v in kw.items()})}


