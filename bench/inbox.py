"""Inbox and case list pages with many open work items (issue 19: p95 < 50 ms at 1,000,000 on PostgreSQL, whatever
the user's organisations).

One case is opened, its visit started and its request recorded through the engine, so it waits on the occupational
physician with a work item, a legal deadline, a timer and its correlations; then the case and every row derived from
its instance are cloned in SQL (``INSERT ... SELECT`` over a series) with spread due dates and creation times; every
third copy's work item is given to the employer's HR, so both roles have an inbox. A tenth of the cases belong to one
big employer, 20 to a small one and the rest to 1,000 employers; 20 cases name a small prevention service, the rest
one of 20. Audit events are not cloned: each stream is a hash chain a copy would break. The tables are then vacuumed
and analysed, as autovacuum would after such a load. The pages are read through the engine as the web page and the
API read them, the first page and page 6 (by cursor), for users who see every case, many, some or very few: the inbox
in each of its orders and the case list. Every read is timed 60 times, in turns (each once per round), so that a
burst of load on the machine weighs on all of them alike. REINTEGRA_BENCH_INBOX_ITEMS sets the number (default
1,000,000).
"""

from __future__ import annotations

import functools
import gc
import os
import statistics
import time
from datetime import date

import sqlalchemy as sa
import summary
from common import DEMO, FORMS, START
from databases import analyse, drop, fresh_url, kind

import engine

ITEMS = int(os.environ.get("REINTEGRA_BENCH_INBOX_ITEMS", "1000000"))
EMPLOYERS, SERVICES = 1000, 20
GOAL_MS = 50.0
RUNS = 60
ORDERS = ("risk", "newest", "case")
EMPLOYER = ("CASE WHEN s.i % 10 = 0 THEN 'Emp-Big' WHEN s.i % 50000 = 1 THEN 'Emp-Small' "
            f"ELSE 'Emp-' || (s.i % {EMPLOYERS}) END")
SERVICE = f"CASE WHEN s.i % 50000 = 2 THEN 'PS-Small' ELSE 'PS-' || (s.i % {SERVICES}) END"


def template(eng: engine.Engine) -> tuple[int, int]:
    """A real case waiting on the occupational physician; its case id and instance id."""
    eng.deploy(DEMO, actor="bench")
    case = eng.open_case(reference="B-0", employee="Bench", employer="Emp-0", first_day_of_incapacity=date(2026, 9, 1),
                         parties={"prevention_service": "PS-0", "employee_account": "w0"}, actor="bench")
    instance = eng.start(case.id, "visit_demo", {}, actor="bench")
    item = eng.work_items(case_id=case.id)[0]
    eng.complete(item.id, {"request_received_on": "2026-12-23"}, actor="bench")
    return case.id, instance.id


def _columns(conn: sa.Connection, table: str, overrides: dict[str, str], alias: str) -> tuple[str, str]:
    names = [c["name"] for c in sa.inspect(conn).get_columns(table) if c["name"] != "id"]
    return ", ".join(names), ", ".join(overrides.get(n, f"{alias}.{n}") for n in names)


def clone(eng: engine.Engine, case_id: int, instance_id: int, copies: int) -> None:
    """Copy the case and every row its instance derived ``copies`` times, in SQL."""
    db = sa.create_engine(eng.database.url)
    pg = db.dialect.name == "postgresql"
    series = ("generate_series(1, :n) AS s(i)" if pg else
              "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :n) SELECT i FROM n) s")
    parties = ("json_build_object('prevention_service', {s}, 'employee_account', 'w' || s.i)" if pg
               else "json_object('prevention_service', {s}, 'employee_account', 'w' || s.i)")
    later = "{t} + {i} * interval '1 second'" if pg else "datetime({t}, '+' || {i} || ' seconds')"
    shifted = "d.due_on + (n.id % 61 - 30)" if pg else "date(d.due_on, (n.id % 61 - 30) || ' days')"
    with db.begin() as conn:
        last = {t: conn.execute(sa.text(f"SELECT COALESCE(MAX(id), 0) FROM {t}")).scalar_one()
                for t in ("case_file", "process_instance", "deadline")}
        names, values = _columns(conn, "case_file", {
            "reference": "'B-' || s.i", "employer": EMPLOYER, "parties": parties.format(s=SERVICE),
            "opened_at": later.format(t="c.opened_at", i="s.i"),
            "search_text": f"'b-' || s.i || ' bench ' || lower({EMPLOYER})"}, "c")
        conn.execute(sa.text(f"INSERT INTO case_file ({names}) SELECT {values} FROM case_file c, {series} "
                             "WHERE c.id = :case"), {"n": copies, "case": case_id})
        names, values = _columns(conn, "process_instance", {"case_id": "n.id"}, "p")
        conn.execute(sa.text(f"INSERT INTO process_instance ({names}) SELECT {values} FROM process_instance p, "
                             "case_file n WHERE p.id = :instance AND n.id > :last ORDER BY n.id"),
                     {"instance": instance_id, "last": last["case_file"]})
        fresh = "process_instance n WHERE n.id > :last AND {a}.instance_id = :instance ORDER BY n.id"
        derived = {"instance_id": "n.id", "case_id": "n.case_id"}
        for table, alias, extra in (("deadline", "d", {"due_on": shifted}), ("timer", "t", {}),
                                    ("correlation", "k", {})):
            names, values = _columns(conn, table, {**derived, **extra}, alias)
            conn.execute(sa.text(f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} {alias}, "
                                 + fresh.format(a=alias)), {"instance": instance_id, "last": last["process_instance"]})
        names, values = _columns(conn, "work_item", {**derived, "deadline_id": "m.id", "risk_due_on": "m.due_on",
                                                    "employer": "(SELECT c.employer FROM case_file c "
                                                                "WHERE c.id = n.case_id)",
                                                    "role": "CASE WHEN n.id % 3 = 0 THEN 'employer' ELSE w.role END",
                                                    "created_at": later.format(t="w.created_at", i="n.id")}, "w")
        conn.execute(sa.text(
            f"INSERT INTO work_item ({names}) SELECT {values} FROM work_item w JOIN process_instance n ON n.id > :last "
            "JOIN deadline m ON m.instance_id = n.id AND m.id > :last_deadline "
            "WHERE w.instance_id = :instance AND w.state = 'ready' ORDER BY n.id"),
            {"instance": instance_id, "last": last["process_instance"], "last_deadline": last["deadline"]})
    db.dispose()
    analyse(eng.database.url)


def p95_ms(action, runs: int = RUNS) -> float:  # type: ignore[no-untyped-def]
    return interleaved([action], runs)[0]


def interleaved(actions: list, runs: int = RUNS) -> list[float]:  # type: ignore[type-arg]
    """The p95 of each action in ms, run in turns (each action once per round), so that a burst of load on the
    machine weighs on all of them alike rather than on whichever ran at the time."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, kept in zip(actions, times, strict=True):
            began = time.perf_counter()
            action()
            kept.append(1000 * (time.perf_counter() - began))
    return [statistics.quantiles(kept, n=20)[-1] for kept in times]


def user(eng: engine.Engine, name: str, roles: list[str], organisations: list[str]) -> int:
    return eng.create_user(username=name, password="correct horse battery", display_name=name, roles=roles,
                           organisations=organisations, actor="bench").id


def deep(page_of, pages: int = 5):  # type: ignore[no-untyped-def]
    """The cursor ``pages`` pages down."""
    cursor = None
    for _ in range(pages):
        cursor = page_of(cursor).next_cursor
    return cursor


def _inbox(eng: engine.Engine, reader: int, sort: str, cursor: str | None) -> engine.InboxPage:
    return eng.inbox_page(reader, sort=sort, cursor=cursor)


def _cases(eng: engine.Engine, reader: int, cursor: str | None) -> engine.CasePage:
    return eng.find_cases(reader, cursor=cursor)


READERS = {
    "sees all (physician, every service)": (["occupational_physician"], [f"PS-{n}" for n in range(SERVICES)]),
    "one service of 20 (physician)": (["occupational_physician"], ["PS-1"]),
    "one employer, many items (Emp-Big)": (["employer"], ["Emp-Big"]),
    "100 employers (HR)": (["employer"], [f"Emp-{n}" for n in range(1, 101)]),
    "10 employers (HR)": (["employer"], [f"Emp-{n}" for n in range(1, 11)]),
    "one employer of 1,000 (HR)": (["employer"], ["Emp-1"]),
    "employer, very few items": (["employer"], ["Emp-Small"]),
    "service, very few items": (["occupational_physician"], ["PS-Small"]),
}
"""Users by what they see: (roles, organisations)."""


def pages_of(page_of) -> list:  # type: ignore[no-untyped-def,type-arg]
    """The reads of the first page and of page 6 (by cursor)."""
    far = deep(page_of)
    return [lambda: page_of(None), lambda: page_of(far)]


def _verdict(ms: float) -> str:
    return "met" if ms < GOAL_MS else "NOT"


def main() -> None:
    url = fresh_url()
    eng = engine.Engine(url, clock=engine.SettableClock(START), forms_dir=FORMS)
    try:
        began = time.perf_counter()
        case_id, instance_id = template(eng)
        clone(eng, case_id, instance_id, ITEMS - 1)
        set_up = time.perf_counter() - began
        print(f"Inbox and case list with {ITEMS:,} open work items ({kind(url)}; set-up {set_up:.0f} s including "
              f"VACUUM ANALYZE; p95 of {RUNS} reads in turns, first page / page 6, in ms; goal {GOAL_MS:.0f} ms):")
        print(f"  {'user':38}" + "".join(f"{name:>20}" for name in (*(f"inbox {o}" for o in ORDERS), "case list")))
        gc.collect()
        gc.freeze()  # as `reintegra serve` does once the application is loaded (webui.serving.settle_heap)
        nobody = user(eng, "nobody", ["employer"], ["Emp-None"])
        floor = p95_ms(lambda: _inbox(eng, nobody, "risk", None))
        print(f"  floor: the inbox of a user with no case, p95 {floor:.1f} ms (the fixed cost of a read on this "
              "machine as loaded now)")
        readers = {label: user(eng, f"reader{n}", roles, organisations)
                   for n, (label, (roles, organisations)) in enumerate(READERS.items())}
        reads = [read for reader in readers.values()
                 for page_of in (*(functools.partial(_inbox, eng, reader, sort) for sort in ORDERS),
                                 functools.partial(_cases, eng, reader))
                 for read in pages_of(page_of)]
        p95 = interleaved(reads)
        per_reader = 2 * (len(ORDERS) + 1)
        for n, label in enumerate(readers):
            cells = p95[n * per_reader:(n + 1) * per_reader]
            print(f"  {label:38}" + "".join(f"{first:6.1f} /{down:6.1f}{_verdict(max(first, down)):>6}"
                                             for first, down in zip(cells[::2], cells[1::2], strict=True)))
        worst = max(p95)
        print(f"  worst p95 {worst:.1f} ms: ratio to goal {worst / GOAL_MS:.2f} ({_verdict(worst)})")
        summary.figure(f"inbox ({kind(url)}, {ITEMS:,} items)", "worst p95 of every user, order and page", worst, "ms",
                       f"< {GOAL_MS:.0f} ms", worst < GOAL_MS, f"{worst / GOAL_MS:.2f}x goal")
        summary.figure(f"inbox ({kind(url)}, {ITEMS:,} items)", "set-up", set_up, "s")
    finally:
        eng.close()
        drop(url)


if __name__ == "__main__":
    main()
