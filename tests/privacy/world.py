"""One world of shipped procedures, each task completed with a distinctive marker in every free-text field.

Every procedure runs on its own case of Acme NV (the law forbids some to run side by side), all with the
same parties, so one set of users relates to all of them. Each text value is a unique marker: a leak is a
substring search. ``World.markers`` says which field, form and procedure recorded each marker.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import engine
from engine.law import calendar
from engine.modelling.samples import sample
from tests.webui.conftest import FORMS

EMPLOYER = "Acme NV"
PARTIES = {"employee_account": "eva", "treating_physician_account": "dr-wouters", "prevention_service": "Mensura",
           "sickness_fund": "CM", "regional_service": "VDAB", "inspectorate": "TWW"}
PROCEDURES = (
    ("formal_reintegration", {}, {"decision": "A", "kind": "plan", "requested_by": "employee", "attended": True,
                                  "appeal": False}),
    ("pre_return_visit", {}, {"requested_by": "employee", "visit_held": True}),
    ("rtw_coordination", {"entry": "questionnaire"}, {"category": "4", "engaged": True, "direction": "current_employer",
                                                      "expects_to_return": True, "wants_support": True}),
    ("medical_force_majeure", {}, {"notified_by": "employer", "mandatory_content_included": True,
                                   "definitively_unfit": True, "attended": True, "adapted_work_requested": True}),
    ("incapacity_follow_up", None, {"work_potential": "yes"}),
    ("contact_procedure", {}, {"worker_reached": True}),
)
"""Each procedure, its start data (None: it starts with the case), and the choices that steer it down its long
path (plan, visit, track). The contact procedure starts with the case too; here it runs on a case of its own."""
STEPS = 60
ROUNDS = {"contact_procedure": 2}
"""A procedure that loops for as long as the absence lasts (T20: a contact, then the next) is driven so many
rounds of its task."""


@dataclass(frozen=True)
class Marker:
    """A text value one task recorded."""

    text: str
    case_id: int
    instance_id: int
    process_id: str
    task: str
    form: str
    field: str
    spec: dict


@dataclass
class World:
    law: engine.Engine
    clock: engine.SettableClock
    markers: list[Marker] = field(default_factory=list)
    cases: dict[str, engine.CaseView] = field(default_factory=dict)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def build(self) -> World:
        for number, (process_id, start, choices) in enumerate(PROCEDURES, 1):
            case = self.law.open_case(reference=f"W-{number}", employee="Eva Peeters", employer=EMPLOYER,
                                      first_day_of_incapacity=date(2025, 6, 2), parties=dict(PARTIES),
                                      actor="hr1", with_follow_up=start is None)
            self.cases[process_id] = case
            if start is None:
                instance = self.law.instances(case.id)[0]
            else:
                instance = self.law.start(case.id, process_id, dict(start), actor="system")
            self.drive(case, instance.id, process_id, choices)
        return self

    def drive(self, case: engine.CaseView, instance_id: int, process_id: str, choices: dict) -> None:
        done: dict[str, int] = {}
        for _ in range(STEPS):
            items = [i for i in self.law.work_items(case_id=case.id) if i.instance_id == instance_id]
            if not items:
                if self.law.instance(instance_id).state != "running" or not self._wait():
                    return
                continue
            item = items[0]
            times = done[item.task] = done.get(item.task, 0) + 1
            if times > ROUNDS.get(process_id, STEPS):
                return
            schema = json.loads((FORMS / item.form).read_text(encoding="utf-8")) if item.form else {}
            where = Marker("", case.id, instance_id, process_id, item.task, item.form or "", "", {})
            data = self.fill(where, schema, choices, times)
            self.law.complete(item.id, data, actor="someone")

    def _wait(self) -> bool:
        """Let time pass until the next timer is due; whether one fired."""
        due = self.law.next_due()
        if due is None:
            return False
        self.clock.set(max(self.clock.now(), due + timedelta(minutes=1)))
        return self.law.fire_due_timers().timers_fired > 0

    def fill(self, where: Marker, schema: dict, choices: dict, times: int) -> dict:
        """Sample data for ``schema``, steered by ``choices``, the ``times``-th time the task is done, marked."""
        data = sample(schema, calendar.legal_date(self.clock.now()))  # the Brussels date, as the engine judges
        for name, spec in schema.get("properties", {}).items():
            if name not in data:  # a document field, and what requires one (samples leave them out)
                continue
            if name in choices and (not spec.get("enum") or choices[name] in spec["enum"]):
                data[name] = choices[name]
            elif spec.get("enum") and times > 1:
                data[name] = spec["enum"][min(times - 1, len(spec["enum"]) - 1)]
            data[name] = self._marked(data[name], spec, replace(where, field=name, spec=spec))
        return data

    def _marked(self, value: Any, spec: dict, where: Marker) -> Any:
        if isinstance(value, list):
            items = spec.get("items", {})
            return [self._marked(v, items, where) for v in value]
        if isinstance(value, dict):
            return {k: self._marked(v, spec.get("properties", {}).get(k, {}), where) for k, v in value.items()}
        if isinstance(value, str) and _is_text(spec):
            text = f"ZQ{next(self.counter):04d}QZ"
            self.markers.append(replace(where, text=text))
            return text
        return value


def _is_text(spec: dict) -> bool:
    return spec.get("type") == "string" and not ({"enum", "const", "format", "pattern"} & set(spec))

