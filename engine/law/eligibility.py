"""Rules across procedures: whether a procedure may start for a case, or a recorded act is admissible, on a date.

Pure: it takes the case's facts and the procedures run for it, and returns a refusal or None. Every rule is
judged on the legal date of the act (``Facts.on``): at a start the day it is asked for, once the act is
recorded (the request of a trajectory, the notification of force majeure) the date recorded for it, and the
2022 or 2026 regime is the one in force on that date. Rules counted from the first day of incapacity count
from the current period of incapacity (0.6, ``engine/law/periods.py``).
Sources: legal-rules.md 0.7 (no trajectory and force-majeure procedure at once), step 1.2 and "Corrections
after review" (who may request a trajectory when: T04), step 1.4 (3 months after decision C: T14), step 4.1
(T36), the corrections on medical force majeure (after an abandoned procedure: T39), step 3.3 (route C
of the coordinator track only in invalidity: T34).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..errors import NotAllowed
from . import deadlines, periods

TRAJECTORY, FORCE_MAJEURE = "formal_reintegration", "medical_force_majeure"
COORDINATOR_TRACK, INVALIDITY_ROUTE = "rtw_coordination", "invalidity"
REFORM_2026 = date(2026, 1, 1)
ABANDONED_ENDS = ("end_abandoned", "end_window_closed")
"""End events of medical_force_majeure.bpmn reached when three invitations went unanswered (T39)."""
EMPLOYER_ROUTES = ("three_months", "certificate", "consent", "work_potential")
"""T04: the routes by which an employer may request a trajectory (consent and work potential: 2026)."""


@dataclass(frozen=True)
class Policy:
    """Readings of the law that are configurable because the sources do not settle them.

    ``employer_three_month_route_2026``: whether the employer's 3-month route survives for requests from
    2026 (legal-rules.md, "Corrections after review", T04: unverified, on by default).
    """

    employer_three_month_route_2026: bool = True


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Past:
    """A procedure run for the case: its process id, whether it still runs, its data and where it ended."""

    process_id: str
    is_running: bool
    data: Mapping[str, Any] = field(default_factory=dict)
    instance_id: int | None = None
    started_on: date | None = None
    end_event: str | None = None


@dataclass(frozen=True)
class Facts:
    """What the rules look at: the case, its procedures, the act's data and its legal date ``on``.

    ``incapacity_events`` are the case's recorded returns to work and new incapacities (``periods``);
    ``estimates`` the advisory physician's recorded estimates of the work potential (T03), as (estimated_on,
    ``yes``/``no``/``unclear``).
    """

    first_day_of_incapacity: date
    procedures: tuple[Past, ...]
    data: Mapping[str, Any]
    on: date
    incapacity_events: tuple[tuple[str, date], ...] = ()
    policy: Policy = DEFAULT_POLICY
    estimates: tuple[tuple[date, str], ...] = ()
    read: frozenset[str] | None = None
    """The process ids whose instances ``procedures`` holds (``READS``); None: every one."""

    def potential_shown_on(self) -> date | None:
        """The first day on or before ``on``, in the current period, an estimate recorded work potential."""
        shown = [day for day, outcome in self.estimates if outcome == "yes" and self.first_day <= day <= self.on]
        return min(shown, default=None)

    def is_running(self, process_id: str) -> bool:
        return self.running(process_id) is not None

    def running(self, process_id: str) -> Past | None:
        return next((p for p in self.past(process_id) if p.is_running), None)

    def past(self, process_id: str) -> tuple[Past, ...]:
        """The instances of ``process_id`` run for the case; ``LookupError`` when they were not read (``READS``)."""
        if self.read is not None and process_id not in self.read:
            raise LookupError(f"the facts hold no instances of {process_id}: add it to eligibility.READS")
        return tuple(p for p in self.procedures if p.process_id == process_id)

    @property
    def first_day(self) -> date:
        """The first day of the period of incapacity current on ``on`` (0.6)."""
        return periods.current_first_day(self.first_day_of_incapacity, self.incapacity_events, self.on)


Check = Callable[[Facts], NotAllowed | None]


def refusal(process_id: str, facts: Facts) -> NotAllowed | None:
    """The first rule that forbids starting ``process_id`` on ``facts.on``, as an error to raise; None when allowed."""
    return _first(CHECKS.get(process_id, ()), facts)


def is_checked(process_id: str) -> bool:
    """Whether any rule judges a start of ``process_id`` (``refusal`` is None without reading any fact otherwise)."""
    return process_id in CHECKS


@dataclass(frozen=True)
class Recorded:
    r"""A user task that records an act the rules judge: the field with its legal date, the rules, and the outcome.

    With ``outcome`` None an inadmissible act is refused at its date field (the form cannot be completed);
    otherwise the act stands, as it did arrive, and ``outcome`` (True or False) with ``outcome``\ ``_rule`` and
    ``outcome``\ ``_reason`` tell the diagram where to go.
    """

    date_field: str
    checks: tuple[Check, ...]
    outcome: str | None = None


def inadmissible(recorded: Recorded, facts: Facts) -> NotAllowed | None:
    """The first rule that makes the recorded act inadmissible on its own date; None when admissible."""
    return _first(recorded.checks, facts)


def _first(checks: tuple[Check, ...], facts: Facts) -> NotAllowed | None:
    for check in checks:
        refused = check(facts)
        if refused is not None:
            return refused
    return None


def _refuse(rule: str, message: str, allowed_from: date | None, when: str = "allowed once it has ended",
            **details: Any) -> NotAllowed:
    tail = f"; allowed from {allowed_from.isoformat()}" if allowed_from else f"; {when}"
    return NotAllowed(message + tail, [{"rule": rule, "allowed_from": allowed_from.isoformat() if allowed_from
                                        else None, **details}])


def _blocked_by(facts: Facts, process_id: str, message: str) -> NotAllowed | None:
    """0.7: name the running procedure that blocks the start."""
    running = facts.running(process_id)
    if running is None:
        return None
    since = f", started on {running.started_on.isoformat()}" if running.started_on else ""
    return _refuse("0.7", f"{message}: {process_id} (instance {running.instance_id}{since}) is running", None,
                   blocking_process=process_id, blocking_instance=running.instance_id)


def _no_force_majeure_running(facts: Facts) -> NotAllowed | None:
    return _blocked_by(facts, FORCE_MAJEURE, "no formal trajectory while a medical force-majeure procedure runs")


def _no_trajectory_running(facts: Facts) -> NotAllowed | None:
    return _blocked_by(facts, TRAJECTORY, "no medical force-majeure procedure while a formal trajectory runs")


def employer_routes(facts: Facts) -> dict[str, NotAllowed | None]:
    """T04: each route by which an employer may request a trajectory, with its refusal on ``facts.on`` (None: open)."""
    return {route: _route_refusal(route, facts) for route in EMPLOYER_ROUTES}


def _route_opens(route: str, facts: Facts, evidence_on: date | None) -> date | None:
    """The first day ``route`` is open; ``evidence_on`` is the date of its evidence (None: not recorded)."""
    if route == "three_months":
        if facts.on >= REFORM_2026 and not facts.policy.employer_three_month_route_2026:
            return None
        return deadlines.compute("T04", facts.first_day, regime_on=facts.on).due_on
    if evidence_on is None:
        return None
    return evidence_on if route == "certificate" else max(evidence_on, REFORM_2026)


_EVIDENCE = {"certificate": "certificate_received_on", "consent": "employee_consent_on",
             "work_potential": "work_potential_estimated_on"}
"""Route → the field of the request recording that dates its evidence (forms/reintegration_request.json); without
it, the work-potential route reads the estimate the advisory physician recorded (``Facts.estimates``)."""
_T04 = ("the employer may request a trajectory only after 3 months of uninterrupted incapacity, with a "
        "certificate of definitive unfitness, or (since 2026) with the worker's consent or when the estimate "
        "of work potential shows potential")


def _route_refusal(route: str, facts: Facts) -> NotAllowed | None:
    """At a start the evidence is still to be recorded: the route opens on its first possible day."""
    opens = _route_opens(route, facts, facts.on if route == "certificate" else REFORM_2026)
    if opens is not None and facts.on >= opens:
        return None
    return _refuse("T04", f"{_T04} (route: {route})", opens, "not allowed by this route", route=route)


def _employer_may_start(facts: Facts) -> NotAllowed | None:
    if facts.data.get("requested_by") != "employer":
        return None
    route = facts.data.get("route") or "three_months"
    return _route_refusal(route if route in EMPLOYER_ROUTES else "three_months", facts)


def _employer_may_request(facts: Facts) -> NotAllowed | None:
    """On the recorded request: requester and evidence as the occupational physician recorded them, on its date."""
    data = facts.data
    if data.get("requested_by") != "employer":
        return None
    for route in EMPLOYER_ROUTES:
        evidence = data.get(_EVIDENCE.get(route, ""))
        evidence_on = date.fromisoformat(evidence) if evidence else None
        if route == "work_potential" and (evidence_on is None or evidence_on > facts.on):
            evidence_on = facts.potential_shown_on()  # the advisory physician's recorded estimate (T03)
        opens = _route_opens(route, facts, evidence_on if evidence_on and evidence_on <= facts.on else None)
        if opens is not None and facts.on >= opens:
            return None
    return _refuse("T04", f"{_T04}; none of these holds on {facts.on.isoformat()}",
                   _route_opens("three_months", facts, None), "not allowed without evidence")


def _decision_c_refusal(facts: Facts) -> NotAllowed | None:
    decided = [p.data.get("decided_on") for p in facts.past(TRAJECTORY)
               if not p.is_running and p.data.get("decision") == "C"]
    for decided_on in sorted(filter(None, decided), reverse=True)[:1]:
        allowed = deadlines.compute("T14", decided_on).due_on
        if facts.on < allowed:
            return _refuse("T14", "a new trajectory waits 3 months after decision C unless the occupational "
                           "physician records good reasons when recording the request", allowed)
    return None


def _not_soon_after_decision_c(facts: Facts) -> NotAllowed | None:
    """At a start: only the occupational physician, who judges good reasons on the recorded request, may start."""
    if facts.data.get("requested_by") == "occupational_physician":
        return None
    return _decision_c_refusal(facts)


def _recorded_after_decision_c(facts: Facts) -> NotAllowed | None:
    if facts.data.get("good_reasons_after_decision_c") is True:
        return None
    return _decision_c_refusal(facts)


def _force_majeure_threshold(facts: Facts) -> NotAllowed | None:
    """T36 on the notification's date; the incapacity must still run (0.6: a return of 14 days ends it)."""
    returned_on = periods.is_back_at_work(facts.first_day_of_incapacity, facts.incapacity_events, facts.on)
    if returned_on is not None:
        return _refuse("T36", f"medical force majeure needs an uninterrupted incapacity; the worker is back at work "
                       f"since {returned_on.isoformat()} (a return of 14 days or more ends it, 0.6)", None,
                       "allowed once a new incapacity has lasted the threshold")
    allowed = deadlines.threshold_date("T36", facts.first_day)
    if facts.on >= allowed:
        return None
    return _refuse("T36", f"medical force majeure needs 6 months of uninterrupted incapacity (9 before 2026) since "
                   f"{facts.first_day.isoformat()}", allowed)


def _not_after_abandoned(facts: Facts) -> NotAllowed | None:
    """T39: after a procedure abandoned for no response, a new one needs a new period of incapacity."""
    for past in facts.past(FORCE_MAJEURE):
        if past.end_event not in ABANDONED_ENDS:
            continue
        notified = past.data.get("notified_on")
        notified_on = date.fromisoformat(notified) if notified else past.started_on
        if notified_on is not None and notified_on >= facts.first_day:
            return _refuse("T39", f"the force-majeure procedure notified on {notified_on.isoformat()} (instance "
                           f"{past.instance_id}) was abandoned for no response in this period of incapacity", None,
                           "allowed once a new period of incapacity has begun (a return to work of at least "
                           "14 days, then a new incapacity)", abandoned_instance=past.instance_id)
    return None


def _route_c_needs_invalidity(facts: Facts) -> NotAllowed | None:
    """Route C of the coordinator track (step 3.3) is for persons in invalidity: more than a year (T34).

    Judged on the date of the regional service's question to the mutuality (``asked_on``), today
    when the start data has none yet (the start options of the case file).
    """
    if facts.data.get("entry") != INVALIDITY_ROUTE:
        return None
    allowed = deadlines.compute("T34", facts.first_day).due_on + timedelta(days=1)
    asked_on = facts.data.get("asked_on")
    if (date.fromisoformat(asked_on) if isinstance(asked_on, str) else facts.on) >= allowed:
        return None
    return _refuse("T34", "route C of the coordinator track needs more than one year of incapacity (invalidity) "
                   "on the date of the regional service's question", allowed)


CHECKS: dict[str, tuple[Check, ...]] = {
    TRAJECTORY: (_no_force_majeure_running, _employer_may_start, _not_soon_after_decision_c),
    FORCE_MAJEURE: (_no_trajectory_running, _force_majeure_threshold, _not_after_abandoned),
    COORDINATOR_TRACK: (_route_c_needs_invalidity,),
}
"""Process id → the rules checked, in order, before it may start (on the day of the start)."""

READS: dict[str, frozenset[str]] = {
    TRAJECTORY: frozenset({TRAJECTORY, FORCE_MAJEURE}),
    FORCE_MAJEURE: frozenset({TRAJECTORY, FORCE_MAJEURE}),
}
"""Process id → the procedures whose instances the rules of its start and of its recorded acts read (``Facts.past``):
a start or an act loads those instances of the case and no other, so what it costs does not grow with the case."""

RECORDED: dict[tuple[str, str], Recorded] = {
    (TRAJECTORY, "record_request"): Recorded("request_received_on", (_employer_may_request, _recorded_after_decision_c),
                                             "request_admissible"),
    (FORCE_MAJEURE, "record_notification"): Recorded("notified_on", (_force_majeure_threshold, _not_after_abandoned)),
}
"""(process id, user task) → how the act it records is judged (a request ends the trajectory at "Request not
admissible" when it was not allowed on its date; a notification before the threshold is refused at its date)."""
