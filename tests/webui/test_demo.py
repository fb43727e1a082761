"""The demo cases of `make run` play through the real diagrams and land at the promised stages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import engine
from tests.scenarios.conftest import PROCESSES
from webui import demo


@pytest.fixture
def law(database_url: str, clock: engine.SettableClock) -> Iterator[engine.Engine]:
    eng = engine.Engine(database_url, clock=clock)
    eng.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="owner")
    yield eng
    eng.close()


def test_the_demo_cases_reach_their_stages_once(law):
    assert demo.seed(law) == ["DEMO-1", "DEMO-2", "DEMO-3", "DEMO-4", "DEMO-5"]
    assert sorted((i.case_id, i.task) for i in law.work_items()) == [
        (1, "assess"), (2, "reply"), (4, "return_questionnaire"), (5, "hold_visit"), (5, "plan_overdue_visit")]
    assert law.next_due() is not None
    missed = [d for case_id in range(1, 6) for d in law.deadlines(case_id) if d.state == "missed"]
    assert [d.rule for d in missed] == ["T15"]
    assert demo.seed(law) == []
