"""How late a timer fires when it is created earlier than the one its worker is armed for (issue 19: within 2 s of its
due instant, whoever created it).

A worker (``TimerScheduler``, its sweep once an hour, so only a wake-up can fire in time) is armed for a term months
away. In each round another engine (on PostgreSQL another engine's connections, as another process would: the worker
hears it through LISTEN/NOTIFY; on SQLite, the embedded default of one process, the worker's own engine) records a
request whose term falls due 1.5 s later on the bench's clock, which runs with the wall clock. Lateness is the instant
the firing recorded in the audit trail minus the term's due instant. REINTEGRA_BENCH_WAKES rounds (10), each a week
of legal time after the last.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from datetime import date, datetime, timedelta

import summary
from common import DEMO, FORMS, START, open_case
from databases import drop, fresh_url, kind

import engine
from engine.law import deadlines

ROUNDS = int(os.environ.get("REINTEGRA_BENCH_WAKES", "10"))
GOAL_SECONDS = 2.0
LEAD = timedelta(seconds=1.5)
"""How long before its due instant the timer is created."""
HANG_SECONDS = 60
FIRST_REQUEST, FAR_REQUEST = date(2026, 12, 23), date(2027, 9, 1)


def requested(eng: engine.Engine, received_on: date) -> int:
    """A new visit whose request was received on ``received_on``: it waits on its term (T15). The instance's id."""
    case = open_case(eng)
    instance = eng.start(case.id, "visit_demo", {}, actor="bench")
    [item] = eng.work_items(case_id=case.id)
    eng.complete(item.id, {"request_received_on": received_on.isoformat()}, actor="bench")
    return int(instance.id)


def fired_at(eng: engine.Engine, instance_id: int) -> datetime | None:
    """When the instance's timer fired, as its audit trail records it; None if not within ``HANG_SECONDS``."""
    give_up = time.monotonic() + HANG_SECONDS
    while time.monotonic() < give_up:
        fired = [event.at for event in eng.trace(instance_id).events if event.action == "timers_fired"]
        if fired:
            return fired[0]
        time.sleep(0.01)
    return None


def lateness(worker: engine.Engine, other: engine.Engine, clock: engine.SettableClock) -> list[float]:
    """The seconds each round's timer fired after its due instant (infinite: not within ``HANG_SECONDS``)."""
    late = []
    for week in range(ROUNDS):
        received_on = FIRST_REQUEST + timedelta(weeks=week)
        due = deadlines.compute("T15", received_on, rules=worker.rules).expires_at
        clock.set(due - LEAD)
        fired = fired_at(other, requested(other, received_on))
        late.append(math.inf if fired is None else (fired - due).total_seconds())
    return late


def main() -> None:
    url = fresh_url()
    clock = engine.SettableClock(START, tick=True)
    worker = engine.Engine(url, clock=clock, forms_dir=FORMS)
    is_shared = url.startswith("postgresql")
    other = engine.Engine(url, clock=clock, forms_dir=FORMS) if is_shared else worker
    scheduler = engine.TimerScheduler(worker, sweep_seconds=3600)
    try:
        worker.deploy(DEMO, actor="bench")
        requested(worker, FAR_REQUEST)
        scheduler.start()
        late = lateness(worker, other, clock)
        worst = max(late)
        source = "another engine, heard through LISTEN/NOTIFY" if is_shared else "the worker's own engine"
        print(f"timer wake-ups: a timer due {LEAD.total_seconds():.1f} s after it is created, while the worker is "
              f"armed for a term months away ({kind(url)}; created by {source}; {ROUNDS} rounds):")
        print(f"  fired after its due instant: median {statistics.median(late):.3f} s, worst {worst:.3f} s "
              f"(goal ≤ {GOAL_SECONDS:.0f} s; ratio {worst / GOAL_SECONDS:.2f})")
        summary.figure(f"timer_wakes ({kind(url)})", "a timer created earlier than the armed one, worst lateness",
                       worst, "s", f"<= {GOAL_SECONDS:.0f} s", worst <= GOAL_SECONDS,
                       f"{worst / GOAL_SECONDS:.2f} of goal")
    finally:
        scheduler.shutdown()
        if other is not worker:
            other.close()
        worker.close()
        drop(url)


if __name__ == "__main__":
    main()
