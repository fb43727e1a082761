"""What a start costs the database does not grow with the case: as many statements and loaded rows on a case that
already holds twenty instances as on one that holds one (counted with SQLAlchemy's event hooks; no timing)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import event

import engine
from engine.store.models import Base

PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "bpmn"
EARLIER = "pre_return_visit"
"""What the cases already hold: a procedure no start rule reads."""
STARTED = {"incapacity_follow_up": None, "formal_reintegration": "employee", "medical_force_majeure": "employee",
           "pre_return_visit": "employee"}
"""Procedure → the requester's role: the follow-up (refused once it runs), the two the rules of 0.7 judge by the
procedures the case ran (force majeure is refused: the trajectory runs), and one no rule judges."""


class Counter:
    """The statements sent and the ORM rows loaded while ``counting``."""

    def __init__(self, eng: engine.Engine) -> None:
        self.statements = self.rows = 0
        self._on = False
        event.listen(eng.database.engine, "before_cursor_execute", self._statement)
        event.listen(Base, "load", self._row, propagate=True)

    def _statement(self, *_: object) -> None:
        self.statements += self._on

    def _row(self, *_: object) -> None:
        self.rows += self._on

    def counting(self, action: Callable[[], object]) -> tuple[int, int]:
        self.statements = self.rows = 0
        self._on = True
        try:
            action()
        finally:
            self._on = False
        return self.statements, self.rows

    def close(self) -> None:
        event.remove(Base, "load", self._row)


@pytest.fixture
def law(eng: engine.Engine) -> Iterator[tuple[engine.Engine, Counter]]:
    shipped = engine.Engine(eng.database.url, clock=eng.clock)
    shipped.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    counter = Counter(shipped)
    yield shipped, counter
    counter.close()
    shipped.close()


def case_holding(eng: engine.Engine, earlier: int, reference: str) -> int:
    case = eng.open_case(reference=reference, employee="An Peeters", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 3, 2), actor="hr1", with_follow_up=False)
    for _ in range(earlier):
        eng.start(case.id, EARLIER, {}, actor="employee1", role="employee")
    return case.id


def test_a_start_costs_as_many_statements_and_rows_on_a_case_of_twenty_instances_as_on_one_of_one(law):
    eng, counter = law
    warm, one, twenty = case_holding(eng, 0, "warm"), case_holding(eng, 1, "one"), case_holding(eng, 20, "twenty")
    costs, refused = {}, []
    for process_id, role in STARTED.items():
        start(eng, warm, process_id, role)  # the spec cache holds its diagram from now on
        costs[process_id] = [counter.counting(partial(start, eng, case_id, process_id, role, refused))
                             for case_id in (one, twenty)]
    assert {p: cost[1] for p, cost in costs.items()} == {p: cost[0] for p, cost in costs.items()}
    assert refused == ["0.7", "0.7"]
    assert len(eng.instances(twenty)) == 20 + len(STARTED) - 1


def start(eng: engine.Engine, case_id: int, process_id: str, role: str | None, refused: list | None = None) -> None:
    """Start a procedure; the rule that refused it, if one did, joins ``refused``."""
    try:
        eng.start(case_id, process_id, {}, actor="someone", role=role)
    except engine.NotAllowed as refusal:
        (refused if refused is not None else []).append(str(refusal.details[0]["rule"]))
