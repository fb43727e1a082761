"""The benchmarks' own diagrams obey the rules every deployed diagram obeys, so `make bench` runs all its benches."""

from __future__ import annotations

from pathlib import Path

from engine.law import deadline_rules
from engine.modelling import validation

BENCH_FIXTURES = Path(__file__).parents[2] / "bench" / "fixtures"


def test_every_bench_diagram_passes_validation():
    forms = {p.name: p.read_bytes() for p in (BENCH_FIXTURES / "forms").glob("*.json")}
    for diagram in BENCH_FIXTURES.glob("*.bpmn"):
        checked = validation.check({diagram.name: diagram.read_bytes()}, forms, deadline_rules.load_rules())
        assert checked.problems == [], diagram.name
