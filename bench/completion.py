"""Task completion on a fresh instance vs one whose task already looped, and the stored state after the loops.

Goals (issue 19, point 5): completion p95 < 30 ms, the same fresh and after 50 loops; the stored state after 200
loops within 20 % of a fresh one. ``--loops N`` and ``--samples N`` shrink the run while developing. The same
figures without pruning (``engine.runtime.pruning.ENABLED = False``) show what SpiffWorkflow alone keeps.
"""

from __future__ import annotations

import argparse
import time

import sqlalchemy as sa
from common import LOOP, new_engine, open_case

from engine.runtime import pruning

LOOPS = (50, 200)
SAMPLES = 40
GOAL_P95_MS = 30.0
GOAL_SIZE_RATIO = 1.2
INSTANCE = sa.table("process_instance", sa.column("id"), sa.column("state_json"))


def complete_once(eng, instance_id: int) -> float:  # type: ignore[no-untyped-def]
    item = next(i for i in eng.work_items(role="employer") if i.instance_id == instance_id)
    began = time.perf_counter()
    eng.complete(item.id, {"loop_again": True}, actor="bench")
    return time.perf_counter() - began


def stored_size(eng, instance_id: int) -> int:  # type: ignore[no-untyped-def]
    with eng.database.unit_of_work() as session:
        return len(session.execute(sa.select(INSTANCE.c.state_json).where(INSTANCE.c.id == instance_id)).scalar_one())


def p95_ms(times: list[float]) -> float:
    ordered = sorted(times)
    return 1000 * ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(loops: tuple[int, int], samples: int) -> dict[str, float]:
    eng, _ = new_engine()
    try:
        eng.deploy(LOOP, actor="bench")
        case = open_case(eng)
        fresh_ids = [eng.start(case.id, "bench_loop", {}, actor="bench").id for _ in range(samples)]
        fresh = [complete_once(eng, i) for i in fresh_ids]
        fresh_size = stored_size(eng, fresh_ids[0])
        looped = eng.start(case.id, "bench_loop", {}, actor="bench").id
        found = {"fresh_p95": p95_ms(fresh), "fresh_size": fresh_size}
        done = 1
        for target in loops:
            while done < target:
                complete_once(eng, looped)
                done += 1
            found[f"size_{target}"] = stored_size(eng, looped)
            if target == loops[0]:
                found[f"p95_{target}"] = p95_ms([complete_once(eng, looped) for _ in range(samples)])
                done += samples
        return found
    finally:
        eng.close()


def report(label: str, found: dict[str, float], loops: tuple[int, int], samples: int) -> None:
    first, last = loops
    fresh, after = found["fresh_p95"], found[f"p95_{first}"]
    print(f"task completion p95 of {samples}, {label} (goal < {GOAL_P95_MS:.0f} ms, the same fresh and looped):")
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loops", type=int, nargs=2, default=LOOPS, metavar=("P95_AT", "SIZE_AT"))
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--without-pruning", action="store_true", help="also measure with pruning switched off")
    args = parser.parse_args(argv)
    loops = (args.loops[0], args.loops[1])
    report("pruned", measure(loops, args.samples), loops, args.samples)
    if args.without_pruning:
        pruning.ENABLED = False
        report("without pruning", measure(loops, args.samples), loops, args.samples)


if __name__ == "__main__":
    main()
