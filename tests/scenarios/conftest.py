"""Scenario fixtures: an engine with the shipped diagrams and forms deployed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

import engine
from tests.conftest import BRUSSELS

PROCESSES = Path(__file__).resolve().parents[2] / "processes" / "bpmn"


@pytest.fixture
def law(database_url: str, clock: engine.SettableClock) -> Iterator[engine.Engine]:
    """An engine with every diagram of processes/bpmn deployed, reading the real forms."""
    instance = engine.Engine(database_url, clock=clock)
    instance.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    yield instance
    instance.close()


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    """An instant in Brussels time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)


class Scenario:
    """One case played as the people involved would: complete tasks, let time pass, look at the result."""

    law: engine.Engine
    clock: engine.SettableClock
    case: engine.CaseView
    instance: engine.InstanceView

    def item(self, task: str) -> engine.WorkItemView:
        return next(i for i in self.law.work_items(case_id=self.case.id) if i.task == task)

    def do(self, task: str, data: dict, actor: str = "someone") -> None:
        self.law.complete(self.item(task).id, data, actor=actor)

    def until(self, year: int, month: int, day: int, hour: int = 10) -> engine.TimerRun:
        self.clock.set(at(year, month, day, hour))
        return self.law.fire_due_timers()

    def tasks(self) -> list[tuple[str | None, str]]:
        return sorted((i.role, i.task) for i in self.law.work_items(case_id=self.case.id))

    def state(self) -> str:
        return self.law.instance(self.instance.id).state
