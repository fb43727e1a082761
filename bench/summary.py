"""The figures the benches measured, each with its goal, ratio and verdict: a bench records them with ``figure`` as it
prints them, and ``run_all`` prints them all in one table at the end (``table``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    bench: str
    name: str
    value: float
    unit: str
    goal: str
    met: bool | None
    """None for a figure without a goal of its own (a set-up time, a baseline)."""
    ratio: str | None


FIGURES: list[Figure] = []


def figure(bench: str, name: str, value: float, unit: str, goal: str = "", met: bool | None = None,
           ratio: str | None = None) -> None:
    """Record one figure of ``bench``."""
    FIGURES.append(Figure(bench, name, value, unit, goal, met, ratio))


def _verdict(met: bool | None) -> str:
    return "" if met is None else "met" if met else "NOT met"


def table(figures: list[Figure] | None = None) -> str:
    """Every recorded figure, one line each: bench, figure, value, goal, ratio, verdict."""
    rows = [("bench", "figure", "value", "goal", "ratio", "verdict")]
    rows += [(f.bench, f.name, f"{f.value:,.2f} {f.unit}", f.goal, f.ratio or "", _verdict(f.met))
             for f in (FIGURES if figures is None else figures)]
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) if k != 2 else cell.rjust(width)
                       for k, (cell, width) in enumerate(zip(row, widths, strict=True))).rstrip() for row in rows]
    return "\n".join([lines[0], "-" * max(len(line) for line in lines), *lines[1:]])
