"""Rules across procedures: whether a procedure may start for a case today, and if not, from when.

Pure: it takes the case's facts and the procedures run for it, and returns a refusal or None.
Sources: legal-rules.md 0.7 (no trajectory and force-majeure procedure at once), step 1.2 (who may
request a trajectory when: T04), step 1.4 (3 months after decision C: T14), step 4.1 (T36), step 3.3
(route C of the coordinator track only in invalidity: T34).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from . import deadlines
from .errors import NotAllowed

TRAJECTORY, FORCE_MAJEURE = "formal_reintegration", "medical_force_majeure"
COORDINATOR_TRACK, INVALIDITY_ROUTE = "rtw_coordination", "invalidity"
REFORM_2026 = date(2026, 1, 1)


@dataclass(frozen=True)
class Past:
    """A procedure run for the case: its process id, whether it still runs, and its data."""

    process_id: str
    is_running: bool
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """What the rules look at: the case, its procedures, the start data and today's legal date."""

    first_day_of_incapacity: date
    procedures: tuple[Past, ...]
    data: Mapping[str, Any]
    today: date

    def is_running(self, process_id: str) -> bool:
        return any(p.is_running and p.process_id == process_id for p in self.procedures)


def refusal(process_id: str, facts: Facts) -> NotAllowed | None:
    """The first rule that forbids starting ``process_id`` now, as an error to raise; None when allowed."""
    for check in CHECKS.get(process_id, ()):
        refused = check(facts)
        if refused is not None:
            return refused
    return None


def _refuse(rule: str, message: str, allowed_from: date | None) -> NotAllowed:
    when = f"; allowed from {allowed_from.isoformat()}" if allowed_from else "; allowed once it has ended"
    return NotAllowed(message + when, [{"rule": rule, "allowed_from": allowed_from.isoformat() if allowed_from
                                        else None}])


def _no_force_majeure_running(facts: Facts) -> NotAllowed | None:
    if facts.is_running(FORCE_MAJEURE):
        return _refuse("0.7", "no formal trajectory while a medical force-majeure procedure runs", None)
    return None


def _no_trajectory_running(facts: Facts) -> NotAllowed | None:
    if facts.is_running(TRAJECTORY):
        return _refuse("0.7", "no medical force-majeure procedure while a formal trajectory runs", None)
    return None


def _employer_may_request(facts: Facts) -> NotAllowed | None:
    data = facts.data
    if data.get("requested_by") != "employer" or data.get("definitive_unfitness_certificate"):
        return None
    if data.get("employee_consent") and facts.today >= REFORM_2026:
        return None
    allowed = deadlines.compute("T04", facts.first_day_of_incapacity, regime_on=facts.today).due_on
    if facts.today >= allowed:
        return None
    return _refuse("T04", "the employer may request a trajectory only after 3 months of incapacity, with a "
                   "certificate of definitive unfitness, or (since 2026) with the worker's consent", allowed)


def _not_soon_after_decision_c(facts: Facts) -> NotAllowed | None:
    if facts.data.get("good_reasons_after_decision_c"):
        return None
    decided = [p.data.get("decided_on") for p in facts.procedures
               if p.process_id == TRAJECTORY and not p.is_running and p.data.get("decision") == "C"]
    for decided_on in sorted(filter(None, decided), reverse=True)[:1]:
        allowed = deadlines.compute("T14", decided_on).due_on
        if facts.today < allowed:
            return _refuse("T14", "a new trajectory waits 3 months after decision C unless the occupational "
                           "physician records good reasons", allowed)
    return None


def _force_majeure_threshold(facts: Facts) -> NotAllowed | None:
    allowed = deadlines.compute("T36", facts.first_day_of_incapacity, regime_on=facts.today).due_on
    if facts.today >= allowed:
        return None
    return _refuse("T36", "medical force majeure needs 6 months of incapacity (9 before 2026)", allowed)


def _route_c_needs_invalidity(facts: Facts) -> NotAllowed | None:
    """Route C of the coordinator track (step 3.3) is for persons in invalidity: more than a year (T34).

    Judged on the date of the regional service's question to the mutuality (``asked_on``), today
    when the start data has none yet (the start options of the case file).
    """
    if facts.data.get("entry") != INVALIDITY_ROUTE:
        return None
    allowed = deadlines.compute("T34", facts.first_day_of_incapacity).due_on + timedelta(days=1)
    asked_on = facts.data.get("asked_on")
    if (date.fromisoformat(asked_on) if isinstance(asked_on, str) else facts.today) >= allowed:
        return None
    return _refuse("T34", "route C of the coordinator track needs more than one year of incapacity (invalidity) "
                   "on the date of the regional service's question", allowed)


CHECKS: dict[str, tuple[Callable[[Facts], NotAllowed | None], ...]] = {
    TRAJECTORY: (_no_force_majeure_running, _employer_may_request, _not_soon_after_decision_c),
    FORCE_MAJEURE: (_no_trajectory_running, _force_majeure_threshold),
    COORDINATOR_TRACK: (_route_c_needs_invalidity,),
}
"""Process id → the rules checked, in order, before it may start."""
