"""Shared set-up for the benchmarks: an engine on a throw-away database, and a timing helper."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import engine

HERE = Path(__file__).parent
DEMO = HERE.parent / "tests" / "fixtures" / "bpmn" / "visit_demo.bpmn"
LOOP = HERE / "fixtures" / "loop.bpmn"
PROCESSES = HERE.parent / "processes" / "bpmn"
FORMS = HERE / "fixtures" / "forms"
START = datetime(2026, 12, 21, 9, 0, tzinfo=ZoneInfo("Europe/Brussels"))


def database_url() -> str:
    """REINTEGRA_BENCH_DATABASE_URL, or a fresh SQLite file."""
    return os.environ.get("REINTEGRA_BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"


def new_engine() -> tuple[engine.Engine, engine.SettableClock]:
    clock = engine.SettableClock(START)
    eng = engine.Engine(database_url(), clock=clock, forms_dir=FORMS)
    eng.upgrade_schema()
    return eng, clock


def open_case(eng: engine.Engine, n: int = 0) -> engine.CaseView:
    return eng.open_case(reference=f"BENCH-{n}-{time.perf_counter_ns()}", employee="Bench", employer="Bench NV",
                         first_day_of_incapacity=date(2026, 9, 1), actor="bench")


def seconds(action: Callable[[], object], repeat: int = 5) -> float:
    """The median wall time of ``action`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)
