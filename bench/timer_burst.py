"""A burst of timers due in the same second (every legal term falls due at 00:00 Brussels time) fired by one and by
two worker processes on PostgreSQL: the seconds each took (goal ≤ 60 s with two) and the throughput of two workers
against one (goal ≥ 1.6×). REINTEGRA_BENCH_BURST timers (10,000); each worker process is started and has its engine
ready before the clock starts. Without a PostgreSQL REINTEGRA_BENCH_DATABASE_URL it says it is skipped.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from datetime import datetime, timedelta

import summary
from clones import clone
from common import FORMS, START
from databases import drop, fresh_url
from timer_overhead import waiting_instance

import engine

BURST = int(os.environ.get("REINTEGRA_BENCH_BURST", "10000"))
GOAL_SECONDS, GOAL_SPEED_UP = 60, 1.6


def work(url: str, now: datetime, ready, go, fired) -> None:  # type: ignore[no-untyped-def]
    """One worker process: fire due timers until none is left, then add how many it fired to ``fired``."""
    eng = engine.Engine(url, clock=engine.SettableClock(now), forms_dir=FORMS)
    eng.next_due()  # connected before the clock starts
    ready.release()
    go.wait()
    count = 0
    while (run := eng.fire_due_timers()).instances_woken:
        count += run.timers_fired
    with fired.get_lock():
        fired.value += count
    eng.close()


def burst(workers: int) -> tuple[float, int]:
    """Fire ``BURST`` timers due in the same second with ``workers`` processes: the seconds, and how many fired."""
    url = fresh_url()
    try:
        eng = engine.Engine(url, clock=engine.SettableClock(START), forms_dir=FORMS)
        clone(url, waiting_instance(eng), BURST - 1)
        due = eng.next_due()
        eng.close()
        assert due is not None
        spawn = multiprocessing.get_context("spawn")
        ready, go, fired = spawn.Semaphore(0), spawn.Event(), spawn.Value("i", 0)
        processes = [spawn.Process(target=work, args=(url, due + timedelta(seconds=1), ready, go, fired))
                     for _ in range(workers)]
        for process in processes:
            process.start()
        for _ in processes:
            ready.acquire()
        began = time.perf_counter()
        go.set()
        for process in processes:
            process.join()
        return time.perf_counter() - began, fired.value
    finally:
        drop(url)


def main() -> None:
    if not os.environ.get("REINTEGRA_BENCH_DATABASE_URL", "").startswith("postgresql"):
        print("burst of due timers with 1 and 2 workers: skipped (set REINTEGRA_BENCH_DATABASE_URL to PostgreSQL)")
        return
    print(f"burst of {BURST} timers due in the same second (postgresql):")
    one, fired_one = burst(1)
    print(f"  1 worker : {one:7.1f} s  ({fired_one} fired, {fired_one / one:6.1f} per second)")
    two, fired_two = burst(2)
    print(f"  2 workers: {two:7.1f} s  ({fired_two} fired, {fired_two / two:6.1f} per second)  "
          f"(goal ≤ {GOAL_SECONDS} s)")
    speed_up = (fired_two / two) / (fired_one / one)
    print(f"  2 workers against 1: {speed_up:5.2f}×  (goal ≥ {GOAL_SPEED_UP}×)")
    bench = "timer_burst (postgresql)"
    summary.figure(bench, f"{BURST:,} due timers, 1 worker", one, "s")
    summary.figure(bench, f"{BURST:,} due timers, 2 workers", two, "s", f"<= {GOAL_SECONDS} s", two <= GOAL_SECONDS,
                   f"{two / GOAL_SECONDS:.2f} of goal")
    summary.figure(bench, "throughput, 2 workers against 1", speed_up, "x", f">= {GOAL_SPEED_UP}x",
                   speed_up >= GOAL_SPEED_UP, f"{speed_up / GOAL_SPEED_UP:.2f} of goal")


if __name__ == "__main__":
    main()
