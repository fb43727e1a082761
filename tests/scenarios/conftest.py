"""Scenario fixtures: an engine with the shipped diagrams and forms deployed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
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


# Procedures that start with every case beside the follow-up, each with its own tests: the employer's 2026 duties.
EMPLOYER_DUTIES = ("contact_procedure", "employer_obligations")


@pytest.fixture
def follow_up_law(database_url: str, clock: engine.SettableClock) -> Iterator[engine.Engine]:
    """The shipped diagrams but the employer's duties, so counts of instances, timers and tasks are the follow-up's."""
    instance = engine.Engine(database_url, clock=clock)
    instance.deploy([p for p in sorted(PROCESSES.glob("*.bpmn")) if p.stem not in EMPLOYER_DUTIES],
                    actor="process_owner")
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

    def until(self, year: int, month: int, day: int, hour: int = 10, minute: int = 0,
              second: int = 0) -> engine.TimerRun:
        self.clock.set(at(year, month, day, hour, minute, second))
        return self.law.fire_due_timers()

    def tasks(self) -> list[tuple[str | None, str]]:
        return sorted((i.role, i.task) for i in self.law.work_items(case_id=self.case.id))

    def state(self) -> str:
        return self.law.instance(self.instance.id).state


def open_case(law: engine.Engine, reference: str) -> engine.CaseView:
    """A case of Acme NV's worker An Peeters, incapacitated since 5 October 2026, with no follow-up running."""
    return law.open_case(reference=reference, employee="An Peeters", employer="Acme NV",
                         first_day_of_incapacity=date(2026, 10, 5), actor="hr1", with_follow_up=False)


def tasks(law: engine.Engine, case_id: int) -> list[tuple[str | None, str]]:
    """The open tasks of a case as (role, task), sorted."""
    return sorted((i.role, i.task) for i in law.work_items(case_id=case_id))


def do(law: engine.Engine, case_id: int, task: str, data: dict, actor: str = "oa1") -> None:
    """Complete the case's open task ``task`` with ``data``."""
    item = next(i for i in law.work_items(case_id=case_id) if i.task == task)
    law.complete(item.id, data, actor=actor)


CERTIFICATE = b"%PDF-1.4\n% the treating physician's certificate of definitive unfitness\n%%EOF\n"


def certificate(law: engine.Engine, case_id: int, task: str = "record_request", employer: str = "Acme NV") -> dict:
    """The request's document field naming a certificate uploaded at the case's open ``task`` (medical, as the field
    is) by an occupational physician of the employer's internal prevention service, as the task page would."""
    physician = law.authenticate("oa-certificates", "correct horse battery") or law.create_user(
        username="oa-certificates", password="correct horse battery", display_name="Dr Certificates",
        roles=["occupational_physician"], organisations=[employer], actor="test")
    item = next(i for i in law.work_items(case_id=case_id) if i.task == task)
    document = law.case_documents.upload(case_id, filename="certificate.pdf", content=CERTIFICATE,
                                         classification="medical", user_id=physician.id, work_item_id=item.id)
    return {"certificate_document": document.id}
