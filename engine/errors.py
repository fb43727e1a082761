"""Domain errors of the engine, sorted by what the caller does next.

Each class has a stable ``code`` that user interfaces translate; the message is English, for logs.
Medical field values never go into a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


class Coded(str):
    """An English message (for logs and the API) that keeps its stable ``code`` and the ``params`` it was filled
    with, so a user interface can say it in the reader's language.

    Being a ``str``, it goes wherever an English message went before: a ``Problem``, an error, JSON. Each layer's
    catalogue (``problem_codes``) holds the English templates; ``filled`` builds one from a template.
    """

    code: str
    params: Mapping[str, Any]

    def __new__(cls, code: str, text: str, params: Mapping[str, Any] | None = None) -> Coded:
        message = super().__new__(cls, text)
        message.__dict__.update(code=code, params=MappingProxyType(dict(params or {})))
        return message

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a coded message is read-only ({name})")

    def __reduce__(self) -> tuple:
        return Coded, (self.code, str(self), dict(self.params))

    @classmethod
    def filled(cls, code: str, template: str, **params: Any) -> Coded:
        """The message ``code`` with ``template``'s ``{name}`` fields filled in from ``params``."""
        return cls(code, template.format(**params), params)


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "engine_error"

    def __init__(self, message: str, details: list | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])


class NotFound(EngineError):
    """The case, definition, instance or work item does not exist (or is not visible to the caller)."""

    code = "not_found"


class NotAllowed(EngineError):
    """The caller may not do this, or the law does not allow it yet (details say until when)."""

    code = "not_allowed"


class Conflict(EngineError):
    """Someone else changed the same thing first: stale instance, task already completed, not waiting."""

    code = "conflict"


class ConcurrentUpdate(Conflict):
    """Another writer changed the same rows at the same moment (a lost optimistic lock, a deadlock); nothing was saved.

    Operations that can safely be applied again (completing a work item, delivering a message) retry it
    themselves (``retries``); the caller sees it only when every attempt lost.
    """


class Unavailable(EngineError):
    """The database cannot be reached (an outage, a restart, a cut connection); try again in a moment.

    The operation did not complete: a commit cut off halfway either happened completely or not at all, so doing
    it again is safe (a completion that did happen answers ``Conflict``).
    """

    code = "unavailable"


class InvalidInput(EngineError):
    """Submitted data does not satisfy the rules; ``fields`` maps a field path to its messages.

    ``labels`` gives the texts (per language) of earlier recorded variables the messages name.
    """

    code = "invalid_input"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None,
                 labels: dict[str, dict[str, str]] | None = None) -> None:
        self.fields = dict(fields or {})
        self.labels = dict(labels or {})
        super().__init__(message, [{"field": k, "messages": v} for k, v in self.fields.items()])


@dataclass(frozen=True)
class Problem:
    """One problem found in a process model, located by its BPMN element id where there is one."""

    element_id: str | None
    message: str
    file: str | None = None
    line: int | None = None
    extra: dict = field(default_factory=dict)

    def __str__(self) -> str:
        where = self.element_id or "-"
        if self.file:
            where = f"{self.file}:{self.line or '?'} {where}"
        return f"{where}: {self.message}"


class InvalidModel(EngineError):
    """A process model (BPMN, form or rule) is not acceptable; ``problems`` lists every problem at once."""

    code = "invalid_model"

    def __init__(self, message: str, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(message, [p.__dict__ for p in self.problems])
