"""Run every benchmark and print its figures."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import completion  # noqa: E402
import compliance  # noqa: E402
import inbox  # noqa: E402
import sqlite_reads  # noqa: E402
import summary  # noqa: E402
import throughput  # noqa: E402
import timer_burst  # noqa: E402
import timer_overhead  # noqa: E402
import timer_wakes  # noqa: E402
import timers  # noqa: E402

if __name__ == "__main__":
    for bench in (throughput, timers, timer_wakes, timer_overhead, timer_burst, completion, compliance, sqlite_reads,
                  inbox):
        bench.main()
        print()
    print("Every figure with its goal (machine load makes them indicative):")
    print(summary.table())
