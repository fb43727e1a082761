"""Start data: what a starter may hand a procedure, checked before any rule or diagram sees it.

A procedure's start schema is the start form of the route it starts on (``catalogue.toml``); a procedure
without one accepts no data at all. The data is limited in size and depth, may hold only the fields its form
declares, and never names what the case itself tells every instance (``CASE_CONTEXT``): the first day of
incapacity, the case's id and reference come from the case, never from a starter. Who requested a procedure
is the starter's role and good reasons after decision C are the occupational physician's finding on the
recorded request (``eligibility.RECORDED``): neither is start data.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from ..errors import Conflict, InvalidInput, NotAllowed
from ..law import eligibility
from ..law.catalogue import Procedure, Route
from . import forms
from .problem_codes import problem

MAX_BYTES = 16 * 1024
"""The largest start data accepted, as compact JSON in UTF-8."""
MAX_DEPTH = 5
"""The deepest nesting accepted: the data object itself is level 1, a list in it level 2, and so on."""
CASE_CONTEXT = ("case_id", "case_reference", "first_day_of_incapacity", "employer_headcount", "contact_every_days")
"""What every instance learns from its case (``runtime._case_context``); refused as start data."""


def check(process_id: str, schema: dict[str, Any] | None, data: Mapping[str, Any], today: date,
          context: dict[str, Any]) -> None:
    """Refuse start data that is too big or deep, names a case fact or a field the start form lacks, or breaks it.

    ``InvalidInput`` names every refused key (``data`` for the limits); then ``forms.validate`` checks the
    values against ``schema`` with the case facts in ``context`` (``x-not-before``).
    """
    _check_limits(data)
    declared = set((schema or {}).get("properties", {}))
    refused = {key: ["set by the case, never by the starter"] for key in data if key in CASE_CONTEXT}
    refused |= {key: [f"not a field of the start form of {process_id}" if declared
                      else f"{process_id} takes no start data"]
                for key in data if key not in declared and key not in refused}
    if refused:
        raise InvalidInput(f"start data refused: {', '.join(sorted(refused))}", refused)
    forms.validate(schema, dict(data), today, context)


def _check_limits(data: Mapping[str, Any]) -> None:
    if depth_exceeds(data, MAX_DEPTH):
        raise InvalidInput(f"start data nested deeper than {MAX_DEPTH} levels",
                           {"data": [f"nested deeper than {MAX_DEPTH} levels"]})
    size = len(json.dumps(data, separators=(",", ":"), default=str).encode("utf-8"))
    if size > MAX_BYTES:
        raise InvalidInput(f"start data of {size} bytes is larger than {MAX_BYTES}",
                           {"data": [f"larger than {MAX_BYTES // 1024} KB"]})


def depth_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and objects deeper than ``limit`` levels (without recursion)."""
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if not isinstance(item, Mapping | list | tuple):
            continue
        if level > limit:
            return True
        pending.extend((child, level + 1) for child in (item.values() if isinstance(item, Mapping) else item))
    return False


def starter_role(started_by: tuple[str, ...], roles: list[str]) -> str | None:
    """The first role of ``started_by`` among ``roles``: the role the starter acts in (None: may not start)."""
    return next((role for role in started_by if role in roles), None)


def refuse_restart(procedure: Procedure, run_for_case: Collection[str]) -> None:
    """0.6: a procedure that starts with the case is started again by the engine alone, with a new period.

    ``run_for_case`` are the process ids of the instances the case has (running or ended).
    """
    if procedure.process_id in run_for_case:
        raise Conflict(problem("start.automatic", process=procedure.process_id),
                       [{"rule": "0.6", "process_id": procedure.process_id}])


def route_of(procedure: Procedure | None, route: str | None, data: Mapping[str, Any]) -> tuple[str | None,
                                                                                            Route | None]:
    """The route field and the route chosen (``route``, else the one ``data`` names); (None, None) without routes.

    ``InvalidInput`` at ``route`` for a missing or unknown route.
    """
    if procedure is None or not procedure.routes or procedure.route_field is None:
        return None, None
    name = route or data.get(procedure.route_field)
    chosen = procedure.routes.get(name) if isinstance(name, str) else None
    if chosen is None:
        raise InvalidInput(f"{procedure.process_id} starts on one of its routes",
                           {"route": [f"one of {', '.join(procedure.routes)}"]})
    return procedure.route_field, chosen


def route_role(process_id: str, chosen: Route, roles: list[str]) -> str:
    """The role in which the starter takes ``chosen``; ``NotAllowed`` when none of ``roles`` may."""
    role = starter_role(chosen.started_by, roles)
    if role is None:
        raise NotAllowed(problem("start.route_role", process=process_id, route=chosen.name),
                         [{"roles": list(chosen.started_by)}])
    return role


def t04_route(process_id: str, route: str | None) -> dict[str, str]:
    """T04: the route an employer requests a trajectory by, as a fact; a procedure without routes ignores ``route``.

    ``InvalidInput`` at ``route`` for a name that is no T04 route (``eligibility.EMPLOYER_ROUTES``).
    """
    if route is None or process_id != eligibility.TRAJECTORY:
        return {}
    if route not in eligibility.EMPLOYER_ROUTES:
        raise InvalidInput(f"unknown T04 route '{route}'",
                           {"route": [f"one of {', '.join(eligibility.EMPLOYER_ROUTES)}"]})
    return {"route": route}
