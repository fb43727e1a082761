"""Task completion on a fresh instance vs one whose task already looped, and the stored state after the loops, in
a database holding REINTEGRA_BENCH_OPEN_CASES open cases (100,000) beside the bench's own.

Goals (issue 19, point 5): completion p95 < 30 ms at 100,000 open cases, the same fresh and after 50 loops; the
stored state after 200 loops within 20 % of a fresh one. The open cases are copies of one real case waiting on the
occupational physician, made in SQL (``clones.clone_cases``) with every row its instance derived, then analysed.
``--loops N`` and ``--samples N`` shrink the run while developing. The same figures without pruning
(``engine.runtime.pruning.ENABLED = False``) show what SpiffWorkflow alone keeps.
"""

from __future__ import annotations

import argparse
import os
import time

import sqlalchemy as sa
import summary
from clones import clone_cases
from common import FORMS, LOOP, START, open_case
from databases import analyse, drop, fresh_url, kind
from timer_overhead import waiting_instance

import engine
from engine.runtime import pruning

OPEN_CASES = int(os.environ.get("REINTEGRA_BENCH_OPEN_CASES", "100000"))
LOOPS = (50, 200)
SAMPLES = 40
GOAL_P95_MS = 30.0
GOAL_SIZE_RATIO = 1.2
GOAL_SAME = 1.2
"""How far the looped p95 may stray from the fresh one and still count as the same (p95s of 40 on a shared machine)."""
INSTANCE = sa.table("process_instance", sa.column("id"), sa.column("case_id"), sa.column("state_json"))


def open_cases(url: str, eng: engine.Engine) -> float:
    """Fill the database with ``OPEN_CASES`` open cases and analyse it; the seconds it took."""
    began = time.perf_counter()
    instance_id = waiting_instance(eng)
    with eng.database.unit_of_work() as session:
        case_id = session.execute(sa.select(INSTANCE.c.case_id).where(INSTANCE.c.id == instance_id)).scalar_one()
    clone_cases(url, case_id, instance_id, OPEN_CASES - 1)
    analyse(url)
    return time.perf_counter() - began


def complete_once(eng, case_id: int, instance_id: int) -> float:  # type: ignore[no-untyped-def]
    item = next(i for i in eng.work_items(case_id=case_id) if i.instance_id == instance_id)
    began = time.perf_counter()
    eng.complete(item.id, {"loop_again": True}, actor="bench")
    return time.perf_counter() - began


def stored_size(eng, instance_id: int) -> int:  # type: ignore[no-untyped-def]
    with eng.database.unit_of_work() as session:
        return len(session.execute(sa.select(INSTANCE.c.state_json).where(INSTANCE.c.id == instance_id)).scalar_one())


def p95_ms(times: list[float]) -> float:
    ordered = sorted(times)
    return 1000 * ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(eng: engine.Engine, loops: tuple[int, int], samples: int) -> dict[str, float]:
    """Loop one instance ``loops[0]`` times, then time ``samples`` completions of it, each beside a completion of a
    fresh instance (so both meet the same load of the machine); then loop it on to ``loops[1]``."""
    case = open_case(eng)
    looped = eng.start(case.id, "bench_loop", {}, actor="bench").id
    first, last = loops
    for _ in range(first):
        complete_once(eng, case.id, looped)
    found = {f"size_{first}": stored_size(eng, looped)}
    fresh, after = [], []
    for _ in range(samples):
        instance = eng.start(case.id, "bench_loop", {}, actor="bench").id
        fresh.append(complete_once(eng, case.id, instance))
        after.append(complete_once(eng, case.id, looped))
    for _ in range(last - first - samples):
        complete_once(eng, case.id, looped)
    found.update({f"size_{last}": stored_size(eng, looped), "fresh_size": stored_size(eng, instance),
                  "fresh_p95": p95_ms(fresh), f"p95_{first}": p95_ms(after)})
    return found


def report(bench: str, label: str, found: dict[str, float], loops: tuple[int, int], samples: int) -> None:
    first, last = loops
    fresh, after = found["fresh_p95"], found[f"p95_{first}"]
    print(f"task completion p95 of {samples}, {label} (goal < {GOAL_P95_MS:.0f} ms, the same fresh and looped):")
    for name, value in ((f"fresh instance ({label})", fresh), (f"after {first} loops ({label})", after)):
        summary.figure(bench, f"completion p95 at {OPEN_CASES:,} cases, {name}", value, "ms", f"< {GOAL_P95_MS:.0f} ms",
                       value < GOAL_P95_MS, f"{value / GOAL_P95_MS:.2f} of goal")
    summary.figure(bench, f"completion p95, looped against fresh ({label})", after / fresh, "x",
                   f"the same (<= {GOAL_SAME:.1f}x)", after / fresh <= GOAL_SAME, f"{after / fresh:.2f}x fresh")
    print(f"  fresh instance            : {fresh:7.2f} ms  {'met' if fresh < GOAL_P95_MS else 'NOT met'}")
    print(f"  after {first:3d} loops           : {after:7.2f} ms  ({after / fresh:.2f}x fresh)  "
          f"{'met' if after < GOAL_P95_MS else 'NOT met'}")
    print(f"stored state, {label} (goal: after {last} loops within {GOAL_SIZE_RATIO - 1:.0%} of a fresh one):")
    print(f"  fresh instance            : {found['fresh_size'] / 1024:7.2f} KB")
    for target in loops:
        ratio = found[f"size_{target}"] / found["fresh_size"]
        verdict = ("met" if ratio <= GOAL_SIZE_RATIO else "NOT met") if target == last else ""
        print(f"  after {target:3d} loops           : {found[f'size_{target}'] / 1024:7.2f} KB  ({ratio:.2f}x fresh)  "
              f"{verdict}")
    ratio = found[f"size_{last}"] / found["fresh_size"]
    summary.figure(bench, f"stored state after {last} loops ({label})", found[f"size_{last}"] / 1024, "KB",
                   f"<= {GOAL_SIZE_RATIO:.1f}x fresh", ratio <= GOAL_SIZE_RATIO, f"{ratio:.2f}x fresh")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loops", type=int, nargs=2, default=LOOPS, metavar=("P95_AT", "SIZE_AT"))
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--without-pruning", action="store_true", help="also measure with pruning switched off")
    args = parser.parse_args(argv)
    loops = (args.loops[0], args.loops[1])
    url = fresh_url()
    eng = engine.Engine(url, clock=engine.SettableClock(START), forms_dir=FORMS)
    try:
        set_up = open_cases(url, eng)
        print(f"{OPEN_CASES:,} open cases ({kind(url)}; set-up {set_up:.1f} s)")
        bench = f"completion ({kind(url)})"
        summary.figure(bench, f"set-up of {OPEN_CASES:,} open cases", set_up, "s")
        eng.deploy(LOOP, actor="bench")
        report(bench, "pruned", measure(eng, loops, args.samples), loops, args.samples)
        if args.without_pruning:
            pruning.ENABLED = False
            report(bench, "without pruning", measure(eng, loops, args.samples), loops, args.samples)
    finally:
        eng.close()
        drop(url)


if __name__ == "__main__":
    main()
