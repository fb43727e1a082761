"""Task completion time on a fresh instance vs one whose task already looped 50 times."""

from __future__ import annotations

import time

from common import LOOP, new_engine, open_case

LOOPS = 50
SAMPLES = 20


def complete_once(eng, instance_id: int) -> float:  # type: ignore[no-untyped-def]
    item = next(i for i in eng.work_items(role="employer") if i.instance_id == instance_id)
    began = time.perf_counter()
    eng.complete(item.id, {"loop_again": True}, actor="bench")
    return time.perf_counter() - began


def main() -> None:
    eng, _ = new_engine()
    eng.deploy(LOOP, actor="bench")
    case = open_case(eng)
    fresh = [complete_once(eng, eng.start(case.id, "bench_loop", {}, actor="bench").id) for _ in range(SAMPLES)]
    looped_instance = eng.start(case.id, "bench_loop", {}, actor="bench").id
    for _ in range(LOOPS):
        complete_once(eng, looped_instance)
    looped = [complete_once(eng, looped_instance) for _ in range(SAMPLES)]
    fresh_ms, looped_ms = 1000 * sorted(fresh)[SAMPLES // 2], 1000 * sorted(looped)[SAMPLES // 2]
    print(f"task completion (median of {SAMPLES}):")
    print(f"  fresh instance          : {fresh_ms:7.2f} ms")
    print(f"  after {LOOPS} loops          : {looped_ms:7.2f} ms  ({looped_ms / fresh_ms:.1f}x)")
    eng.close()


if __name__ == "__main__":
    main()
