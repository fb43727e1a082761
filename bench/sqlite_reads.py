"""Reads while a sweep fires due timers, as ``make run`` has them: pages and the scheduler on one SQLite file.

One engine (as in ``make run``) fires ``REINTEGRA_BENCH_SWEEP`` (300) due timers in one thread while another thread
reads a case over and over: ``case()`` (a plain read) and ``case_file()`` (the case page's read, which also writes
the access log). Prints the longest and the 95th-percentile read against the 100 ms goal, and the median read
without a sweep (a read during the sweep includes its own work, slowed by the sweep's share of the CPU). On
PostgreSQL (``REINTEGRA_BENCH_DATABASE_URL``) the same figures are printed for comparison.
"""

from __future__ import annotations

import gc
import os
import statistics
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

import summary
from clones import clone
from common import DEMO, database_url, new_engine, open_case
from timers import waiting

SWEEP = int(os.environ.get("REINTEGRA_BENCH_SWEEP", "300"))
GOAL_MS = 100.0
PAUSE_SECONDS = 0.01
"""Between two reads: a busy site's pace (100 pages a second), not a loop that takes half the CPU from the sweep."""


def reads_during(sweep: Callable[[], object], read: Callable[[], object]) -> tuple[list[float], float]:
    """Run ``read`` in a loop while ``sweep`` runs in another thread; each read's wall time (ms), and the sweep's."""
    waits: list[float] = []
    done = threading.Event()
    began = time.perf_counter()

    def run_sweep() -> None:
        try:
            sweep()
        finally:
            done.set()

    thread = threading.Thread(target=run_sweep)
    thread.start()
    while not done.is_set():
        start = time.perf_counter()
        read()
        waits.append(1000 * (time.perf_counter() - start))
        done.wait(PAUSE_SECONDS)
    thread.join()
    return waits, 1000 * (time.perf_counter() - began)


def line(label: str, waits: list[float]) -> str:
    p95 = statistics.quantiles(waits, n=20)[-1] if len(waits) > 1 else waits[0]
    worst = max(waits)
    verdict = "met" if worst <= GOAL_MS else "NOT met"
    return (f"  {label:<12}: {len(waits):5d} reads, max {worst:7.1f} ms, p95 {p95:6.1f} ms "
            f"(goal max <= {GOAL_MS:.0f} ms: {verdict}; ratio {worst / GOAL_MS:.2f})")


def one_round(label: str) -> None:
    """Time ``label``'s reads alone, then during a sweep, on a fresh database."""
    eng, clock = new_engine()
    eng.deploy(DEMO, actor="bench")
    user = eng.create_user(username=f"bench-reader-{time.perf_counter_ns()}", password="bench-reader-pw",
                           display_name="Reader", roles=["employer"], organisations=["Bench NV"], actor="bench")
    case = open_case(eng, 0)
    read = {"case()": lambda: eng.case(case.id), "case_file()": lambda: eng.case_file(case.id, user.id)}[label]
    alone = []
    for _ in range(30):
        began = time.perf_counter()
        read()
        alone.append(1000 * (time.perf_counter() - began))
    clone(eng.database.url, waiting(eng, "visit_demo", "2026-12-23"), SWEEP - 1)
    clock.set(datetime(2027, 1, 9, tzinfo=timezone.utc))
    gc.collect()
    gc.freeze()  # as `reintegra run` does once the application is loaded (webui.serving.settle_heap)
    fired: list[int] = []
    waits, sweep_ms = reads_during(lambda: fired.append(eng.fire_due_timers().timers_fired), read)
    print(line(label, waits) + f"; alone {statistics.median(alone):.1f} ms; the sweep fired {fired[0]} in "
          f"{sweep_ms:.0f} ms")
    worst, kind = max(waits), eng.database.url.split(":")[0].split("+")[0]
    summary.figure(f"sqlite_reads ({kind})", f"longest {label} read during a sweep of {SWEEP}", worst, "ms",
                   f"<= {GOAL_MS:.0f} ms", worst <= GOAL_MS, f"{worst / GOAL_MS:.2f} of goal")
    eng.close()


def main() -> None:
    print(f"reads while a sweep fires {SWEEP} due timers, one engine ({database_url().split(':')[0]}):")
    for label in ("case()", "case_file()"):
        one_round(label)

if __name__ == "__main__":
    main()
