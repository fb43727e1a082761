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
