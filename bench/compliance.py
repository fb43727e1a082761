"""find_instances() and deadline_dashboard() over 20,000 instances with 40,000 deadlines.

One definition is deployed through the engine; cases, instances, deadlines and one audit event per
instance are inserted in bulk (the compliance queries never load an instance's state), in a database of the bench's
own (``databases.fresh_url``).
"""

from __future__ import annotations

import os
import random
import time
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
import summary
from common import DEMO, FORMS, seconds
from databases import drop, fresh_url, kind

import engine
from engine.law import calendar
from engine.store.models import AuditEvent, Case, Deadline, ProcessInstance

INSTANCES = int(os.environ.get("REINTEGRA_BENCH_INSTANCES", "20000"))
EMPLOYERS = [f"Employer {n} NV" for n in range(20)]
YEAR = {"period_from": date(2026, 1, 1), "period_to": date(2026, 12, 31)}


def populate(eng) -> None:  # type: ignore[no-untyped-def]
    """Bulk-insert a case, an instance, two deadlines and an audit event per instance."""
    [version] = eng.deploy(DEMO, actor="bench")
    rng = random.Random(7)
    begin = datetime(2026, 1, 1, 8, tzinfo=timezone.utc)
    cases, instances, deadlines, events = [], [], [], []
    for n in range(1, INSTANCES + 1):
        started = begin + timedelta(minutes=rng.randrange(0, 60 * 24 * 360))
        state = rng.choice(["running", "running", "completed", "error"])
        cases.append({"id": n, "reference": f"B-{n}", "employee": "Bench", "employer": rng.choice(EMPLOYERS),
                      "first_day_of_incapacity": date(2025, 12, 1), "parties": {}, "opened_at": started,
                      "opened_by": "bench"})
        instances.append({"id": n, "case_id": n, "definition_id": version.id, "state": state, "state_json": "{}",
                          "library_version": "3.2.0", "version": 1, "started_at": started, "started_by": "bench",
                          "ended_at": started + timedelta(days=20) if state != "running" else None,
                          **_end(rng, state)})
        deadlines += [_deadline(rng, n, started, k) for k in range(2)]
        events.append({"stream": f"instance:{n}", "seq": 1, "at": started, "actor": "bench", "action": "started",
                       "case_id": n, "instance_id": n, "before": {}, "after": {}, "prev_hash": "0" * 64,
                       "hash": "0" * 64})
    with eng.database.engine.begin() as conn:
        for model, rows in ((Case, cases), (ProcessInstance, instances), (Deadline, deadlines),
                            (AuditEvent, events)):
            conn.execute(sa.insert(model), rows)


def _end(rng: random.Random, state: str) -> dict:
    """A completed instance reached one of three end events."""
    end = rng.choice(["end_answered", "end_closed", "end_overdue_explained"]) if state == "completed" else None
    return {"end_event": end, "end_event_name": end}


def _deadline(rng: random.Random, instance_id: int, started: datetime, k: int) -> dict:
    start_on = started.date() + timedelta(days=k)
    due_on = start_on + timedelta(days=14)
    state = rng.choice(["met", "met", "met", "missed", "pending", "replaced"])
    closed = None if state == "pending" else datetime.combine(
        due_on + timedelta(days=rng.randrange(-14, 1) if state == "met" else rng.randrange(1, 10)),
        datetime.min.time(), timezone.utc) + timedelta(hours=10)
    return {"case_id": instance_id, "instance_id": instance_id, "task_id": f"t{k}", "bpmn_id": f"timer_{k}",
            "rule": f"T1{5 + k}", "kind": "deadline", "legal_source": "art. I.4-36", "start_event": "receipt",
            "start_on": start_on, "due_on": due_on, "expires_at": started + timedelta(days=15),
            "explanation": "bench", "state": state, "created_at": started, "closed_at": closed,
            "closed_on": calendar.legal_date(closed) if closed else None}


def main() -> None:
    url = fresh_url()
    eng = engine.Engine(url, clock=engine.SettableClock(datetime(2026, 12, 1, 9, tzinfo=timezone.utc)), forms_dir=FORMS)
    try:
        measure(eng, kind(url))
    finally:
        eng.close()
        drop(url)


def measure(eng: engine.Engine, database: str) -> None:
    """Fill the database, then print and record each figure."""
    began = time.perf_counter()
    populate(eng)
    admin = eng.create_user(username="admin", password="bench-password-1", display_name="Admin", roles=["admin"],
                            actor="bench").id
    officer = eng.create_user(username="officer", password="bench-password-1", display_name="Officer",
                              roles=["compliance_officer"], organisations=[EMPLOYERS[0]], actor="bench").id
    print(f"compliance over {INSTANCES} instances, {2 * INSTANCES} deadlines "
          f"(set-up {time.perf_counter() - began:.1f} s, {database}):")
    figures = {
        "find_instances, page 1, no filter": lambda: eng.find_instances(user_id=admin),
        "find_instances, page 100": lambda: eng.find_instances(user_id=admin, page=100),
        "find_instances, missed + organisation": lambda: eng.find_instances(
            user_id=admin, has_missed_deadline=True, organisation=EMPLOYERS[3]),
        "find_instances, started in March, failed": lambda: eng.find_instances(
            user_id=admin, state="failed", started_from=date(2026, 3, 1), started_to=date(2026, 3, 31)),
        "find_instances, officer of one employer": lambda: eng.find_instances(user_id=officer),
        "find_instances, ended with one end event": lambda: eng.find_instances(
            user_id=admin, process_id="visit_demo", end_event="end_closed"),
        "ends_reached (the search's end list)": lambda: eng.ends_reached(user_id=admin),
        "deadline_dashboard, one year, admin": lambda: eng.deadline_dashboard(user_id=admin, **YEAR),
        "deadline_dashboard, one year, officer": lambda: eng.deadline_dashboard(user_id=officer, **YEAR),
        "dashboard_drilldown, missed, one year": lambda: eng.dashboard_drilldown(
            user_id=admin, rule="T15", outcome="missed", **YEAR),
    }
    for label, action in figures.items():
        took = 1000 * seconds(action)
        print(f"  {label:42}: {took:8.1f} ms")
        summary.figure(f"compliance ({database})", label, took, "ms")


if __name__ == "__main__":
    main()
