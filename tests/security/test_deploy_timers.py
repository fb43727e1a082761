"""Issue 13, point 7: a repeating timer (``timeCycle``) deploys only for a term the law repeats, and then runs: each
repetition comes after the due day is over, never before."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import engine
from engine.law.deadline_rules import RULES_FILE
from tests.conftest import BRUSSELS, FIXTURES
from tests.engine.test_runtime import open_case

WEEKLY = """
[T90]
name = "weekly_check"
title = "The occupational physician checks the file every week (test rule)"
kind = "deadline"
acting_role = "occupational_physician"
start_event = "receipt of the request"
on_expiry = "a check is due"
legal_source = "none: a rule for this test"
sources = ["S0"]
confidence = "V"
unverified = false
repeats = true
[[T90.regimes]]
effective_from = 2020-01-01
duration = 1
unit = "weeks"
counting_from = "day_after"
roll_forward = false
[T90.nl]
title = "De preventieadviseur-arbeidsarts controleert het dossier elke week (testregel)"
start_event = "ontvangst van de aanvraag"
on_expiry = "een controle is nodig"
legal_source = "geen: een regel voor deze test"
[T90.fr]
title = "Le conseiller en prévention-médecin du travail vérifie le dossier chaque semaine (règle de test)"
start_event = "réception de la demande"
on_expiry = "une vérification est due"
legal_source = "aucune : une règle pour ce test"
"""
DEMO = (FIXTURES / "bpmn" / "visit_demo.bpmn").read_text()
CYCLE = (DEMO.replace('deadline("T15", request_received_on)', 'deadline("T90", request_received_on)')
         .replace("bpmn:timeDate", "bpmn:timeCycle")
         .replace('hold_visit" cancelActivity="true"', 'hold_visit" cancelActivity="false"'))


@pytest.fixture
def weekly(database_url: str, clock: engine.SettableClock, tmp_path: Path) -> engine.Engine:
    rules = tmp_path / "deadlines.toml"
    rules.write_text(RULES_FILE.read_text() + WEEKLY)
    eng = engine.Engine(database_url, clock=clock, forms_dir=FIXTURES / "forms", rules_path=rules)
    yield eng
    eng.close()


def tasks_after(eng: engine.Engine, clock: engine.SettableClock, month: int, day: int, hour: int) -> list[str]:
    clock.set(datetime(2026 if month == 12 else 2027, month, day, hour, tzinfo=BRUSSELS))
    eng.fire_due_timers()
    return sorted(item.task for item in eng.work_items(role="occupational_physician"))


def test_a_cycle_of_a_repeating_term_fires_once_per_term_after_each_due_day(weekly, clock):
    weekly.deploy(CYCLE, actor="owner")
    weekly.start(open_case(weekly).id, "visit_demo", {}, actor="employee1")
    [request] = weekly.work_items(role="employee")
    weekly.complete(request.id, {"request_received_on": "2026-12-23"}, actor="employee1")
    assert tasks_after(weekly, clock, 12, 30, 23) == ["hold_visit"]  # due 30 December: not before the day is over
    assert tasks_after(weekly, clock, 12, 31, 9) == ["explain_delay", "hold_visit"]
    assert tasks_after(weekly, clock, 1, 6, 23) == ["explain_delay", "hold_visit"]  # next due 6 January
    assert tasks_after(weekly, clock, 1, 7, 9) == ["explain_delay", "explain_delay", "hold_visit"]


def test_a_cycle_of_a_term_set_once_is_refused(weekly):
    with pytest.raises(engine.InvalidModel) as refused:
        weekly.deploy(CYCLE.replace('"T90"', '"T15"'), actor="owner")
    assert [p.element_id for p in refused.value.problems] == ["visit_overdue"]
