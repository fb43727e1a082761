"""Reading the files of a model before anything trusts them: XML text in its declared encoding, JSON with a depth
limit. What cannot be read becomes a message for a ``Problem``, never an exception.

A BPMN file may come in any encoding its byte-order mark or XML declaration names (UTF-8, UTF-16, ISO-8859-1…);
it is kept as UTF-8 text with its declaration saying so, so the stored version reads the same everywhere.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any

from .problem_codes import problem

MAX_JSON_DEPTH = 32
"""Nesting of arrays and objects in one form; real forms stay below 10."""

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_DECLARATION_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


class Unreadable(ValueError):
    """A file that cannot be read as what it claims to be; the message says why, for a ``Problem``."""


def xml_text(data: bytes) -> str:
    """The text of an XML file, decoded as its byte-order mark or declaration says; ``Unreadable`` otherwise."""
    encoding = _encoding(data)
    try:
        text = data.decode(encoding)
    except LookupError as err:
        raise Unreadable(problem("model.unknown_encoding", encoding=encoding)) from err
    except UnicodeDecodeError as err:
        raise Unreadable(problem("model.bad_encoding", encoding=encoding, byte=err.start)) from err
    return utf8_declared(text.removeprefix("\ufeff"))


def utf8_declared(text: str) -> str:
    """``text`` with its XML declaration, if it names an encoding, saying UTF-8 (as the text is stored)."""
    return _DECLARATION_ENCODING.sub(r"\1\2UTF-8\2", text, count=1)


def _encoding(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    declared = _DECLARED.match(data.lstrip()[:200])
    return declared.group(1).decode("ascii") if declared else "utf-8"


def load_json(source: str | bytes) -> Any:
    """Parse JSON nested at most ``MAX_JSON_DEPTH`` deep; ``Unreadable`` (a ``ValueError``) otherwise."""
    try:
        value = json.loads(source)
    except RecursionError as err:
        raise Unreadable(problem("model.json_too_deep", limit=MAX_JSON_DEPTH)) from err
    except ValueError as err:
        raise Unreadable(str(err)) from err
    if depth(value) > MAX_JSON_DEPTH:
        raise Unreadable(problem("model.json_too_deep", limit=MAX_JSON_DEPTH))
    return value


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (0 for a scalar), without recursion."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, level = todo.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        todo.extend((child, level + 1) for child in children)
    return deepest
