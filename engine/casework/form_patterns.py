"""Form field patterns, evaluated in linear time by RE2 so that no submitted text can make a check backtrack.

JSON Schema's ``pattern`` is a regular expression; Python's ``re`` backtracks, so ``^(a+)+$`` against
``"a" * 50 + "b"`` would run for hours while holding the interpreter lock. RE2 answers in time linear in the
text, and has no backreferences or lookarounds: deploy refuses a form whose pattern RE2 cannot compile, naming
the field, and forms name their fields (``patternProperties`` is refused). A pattern RE2 cannot compile that
is already stored with a version refuses every value, rather than risk a hang.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import re2
from jsonschema import Draft202012Validator, ValidationError, validators

from .problem_codes import problem

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> Any:
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except re2.error:
        return None


def _matches(pattern: str, text: str) -> bool:
    regex = _compiled(pattern)
    return regex is not None and regex.search(text) is not None


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: dict, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "object"):
        for pattern, subschema in patterns.items():
            for key, value in instance.items():
                if _matches(pattern, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=pattern)


FormValidator = validators.extend(Draft202012Validator, {"pattern": _pattern, "patternProperties": _pattern_properties})
"""Draft 2020-12 with every pattern evaluated by RE2."""


def pattern_problems(schema: dict[str, Any]) -> list[str]:
    """Messages for each pattern in ``schema`` RE2 cannot evaluate, and for ``patternProperties``, by field."""
    fields = schema.get("properties")
    located = [(name, part) for name, part in fields.items()] if isinstance(fields, dict) else []
    rest = {key: value for key, value in schema.items() if key != "properties"}
    problems = []
    for field, part in [("", rest), *located]:
        problems += [problem("form.field", field=field, problem=p) if field else p for p in _problems_in(part)]
    return problems


def _problems_in(schema: Any) -> list[str]:
    problems: list[str] = []
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            pattern = node.get("pattern")
            if isinstance(pattern, str) and _compiled(pattern) is None:
                problems.append(problem("form.pattern_not_linear", pattern=pattern))
            if "patternProperties" in node:
                problems.append(problem("form.pattern_properties"))
            stack.extend(node.values())
    return problems
