"""The catalogues in ``processes/``: which procedures may be started by whom (``catalogue.toml``) and which
outside events may be recorded by whom (``events.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import processes

from ..casework import access
from ..errors import InvalidModel, Problem

DEFAULT_RETENTION_YEARS = 10
"""Years a closed case is kept when its procedure names no ``retention_years`` (see the README, Retention)."""

CATALOGUE_FILE = Path(processes.__file__).parent / "catalogue.toml"
EVENTS_FILE = Path(processes.__file__).parent / "events.toml"


@dataclass(frozen=True)
class Route:
    """One way the law lets a procedure start: its titles, who may take it and the start form it needs.

    ``form`` names a file in ``forms/`` (None when the route needs no data beyond its name).
    """

    name: str
    titles: dict[str, str]
    started_by: tuple[str, ...]
    form: str | None


@dataclass(frozen=True)
class Procedure:
    """A startable procedure: its process id, titles in nl/fr/en and the roles that may start it.

    A procedure with ``routes`` starts only on one of them: the start data names the route in
    ``route_field`` and carries what the route's form asks for. ``retention_years``: how long a case that
    ran it is kept after it closed, before it is pseudonymised.
    """

    process_id: str
    titles: dict[str, str]
    started_by: tuple[str, ...]
    starts_with_case: bool
    route_field: str | None = None
    routes: dict[str, Route] = field(default_factory=dict)
    retention_years: int = DEFAULT_RETENTION_YEARS
    withheld_when: str | None = None
    """The boolean variable that, while true, keeps the instance from the employer side (``withheld``)."""
    once_per_period: bool = False
    """Started with the case and again once for each new period of incapacity (0.6), even while an instance of
    an earlier period still runs; never twice for the same period."""


@dataclass(frozen=True)
class Event:
    """An outside event: the message it delivers, its titles, its payload form and who may record it.

    ``marks``: ("return" or "incapacity", the payload field with its legal date) when the event bounds a
    period of incapacity (0.6, ``engine/law/periods.py``); None otherwise.
    """

    message: str
    titles: dict[str, str]
    form: str
    recorded_by: tuple[str, ...]
    marks: tuple[str, str] | None = None


def load(path: Path | None = None) -> dict[str, Procedure]:
    """Read the procedure catalogue; ``InvalidModel`` lists every unknown role and missing title."""
    raw = _read(path or CATALOGUE_FILE, "started_by", "procedure catalogue")
    _check_routes(raw)
    return {pid: Procedure(pid, dict(entry["title"]), tuple(entry["started_by"]), bool(entry["starts_with_case"]),
                           entry.get("route_field"), _routes(entry.get("routes", {})),
                           int(entry.get("retention_years", DEFAULT_RETENTION_YEARS)),
                           entry.get("withheld_from_employer_when"), bool(entry.get("once_per_period", False)))
            for pid, entry in raw.items()}


def _routes(raw: dict) -> dict[str, Route]:
    return {name: Route(name, dict(r["title"]), tuple(r["started_by"]), r.get("form")) for name, r in raw.items()}


def _check_routes(raw: dict) -> None:
    """Refuse routes without a route field, with a missing title, or open to a role the procedure does not list."""
    problems = []
    for pid, entry in raw.items():
        routes = entry.get("routes", {})
        if routes and not entry.get("route_field"):
            problems.append(Problem(pid, "a procedure with routes needs a route_field"))
        years = entry.get("retention_years", DEFAULT_RETENTION_YEARS)
        if not isinstance(years, int) or isinstance(years, bool) or years < 1:
            problems.append(Problem(pid, "retention_years must be a whole number of years, at least 1"))
        for name, route in routes.items():
            if set(route.get("title", {})) != {"nl", "fr", "en"}:
                problems.append(Problem(f"{pid}.{name}", "needs a title in nl, fr and en"))
            problems += [Problem(f"{pid}.{name}", f"role '{role}' does not start {pid}")
                         for role in route.get("started_by", []) if role not in entry.get("started_by", [])]
    if problems:
        raise InvalidModel(f"{len(problems)} problem(s) in the procedure routes", problems)


def load_events(path: Path | None = None) -> dict[str, Event]:
    """Read the outside events; ``InvalidModel`` lists every unknown role and missing title."""
    raw = _read(path or EVENTS_FILE, "recorded_by", "event catalogue")
    return {name: Event(name, dict(entry["title"]), entry["form"], tuple(entry["recorded_by"]),
                        (entry["marks"], entry["dated_by"]) if "marks" in entry else None)
            for name, entry in raw.items()}


def _read(path: Path, roles_key: str, what: str) -> dict:
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    problems = [Problem(key, f"unknown role '{role}'") for key, entry in raw.items()
                for role in entry.get(roles_key, []) if role not in access.CASE_ROLES]
    problems += [Problem(key, "needs a title in nl, fr and en") for key, entry in raw.items()
                 if set(entry.get("title", {})) != {"nl", "fr", "en"}]
    if problems:
        raise InvalidModel(f"{len(problems)} problem(s) in the {what}", problems)
    return raw
