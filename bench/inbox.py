"""Inbox and case list pages with many open work items (issue 19: p95 < 50 ms at 1,000,000 on PostgreSQL).

One case is opened, its visit started and its request recorded through the engine, so it waits on the occupational
physician with a work item, a legal deadline, a timer and its correlations; then the case and every row derived from
its instance are cloned in SQL (``INSERT ... SELECT`` over a series) with spread due dates, 1,000 employers and 20
prevention services; every third copy's work item is given to the employer's HR, so both roles have an inbox.
Audit events are not cloned: each stream is a hash chain a copy would break. The pages are read
through the engine as the web page and the API read them: the first page and a page far down (by cursor), for users
with one and with many organisations. REINTEGRA_BENCH_INBOX_ITEMS sets the number (default 1,000,000).
"""

from __future__ import annotations

import functools
import os
import statistics
import time
from datetime import date

import sqlalchemy as sa
from common import DEMO, new_engine

import engine

ITEMS = int(os.environ.get("REINTEGRA_BENCH_INBOX_ITEMS", "1000000"))
EMPLOYERS, SERVICES = 1000, 20
GOAL_MS = 50.0
RUNS = 20


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
    parties = ("json_build_object('prevention_service', 'PS-' || (s.i % {s}), 'employee_account', 'w' || s.i)" if pg
               else "json_object('prevention_service', 'PS-' || (s.i % {s}), 'employee_account', 'w' || s.i)")
    later = "c.opened_at + s.i * interval '1 second'" if pg else "datetime(c.opened_at, '+' || s.i || ' seconds')"
    shifted = "d.due_on + (n.id % 61 - 30)" if pg else "date(d.due_on, (n.id % 61 - 30) || ' days')"
    with db.begin() as conn:
        last = {t: conn.execute(sa.text(f"SELECT COALESCE(MAX(id), 0) FROM {t}")).scalar_one()
                for t in ("case_file", "process_instance", "deadline")}
        names, values = _columns(conn, "case_file", {
            "reference": "'B-' || s.i", "employer": f"'Emp-' || (s.i % {EMPLOYERS})",
            "parties": parties.format(s=SERVICES), "opened_at": later,
            "search_text": f"'b-' || s.i || ' bench emp-' || (s.i % {EMPLOYERS})"}, "c")
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
                                                    "role": "CASE WHEN n.id % 3 = 0 THEN 'employer' ELSE w.role END"},
                                 "w")
        conn.execute(sa.text(
            f"INSERT INTO work_item ({names}) SELECT {values} FROM work_item w JOIN process_instance n ON n.id > :last "
            "JOIN deadline m ON m.instance_id = n.id AND m.id > :last_deadline "
            "WHERE w.instance_id = :instance AND w.state = 'ready' ORDER BY n.id"),
            {"instance": instance_id, "last": last["process_instance"], "last_deadline": last["deadline"]})
    with db.begin() as conn:
        if pg:
            conn.execute(sa.text("ANALYZE"))
    db.dispose()


def p95_ms(action, runs: int = RUNS) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(1000 * (time.perf_counter() - began))
    return statistics.quantiles(times, n=20)[-1]


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


def measure(what: str, label: str, page_of) -> None:  # type: ignore[no-untyped-def]
    """Print the p95 of the first page and of page 6 (by cursor) with the goal's ratio."""
    far = deep(page_of)
    first, down = p95_ms(lambda: page_of(None)), p95_ms(lambda: page_of(far))
    print(f"  {what:15} {label:38} first {first:7.1f} ms  page 6 {down:7.1f} ms  "
          f"(ratio to goal {max(first, down) / GOAL_MS:.2f})")


def main() -> None:
    eng, clock = new_engine()
    began = time.perf_counter()
    case_id, instance_id = template(eng)
    clone(eng, case_id, instance_id, ITEMS - 1)
    kind = eng.database.url.split(":")[0]
    print(f"Inbox and case list with {ITEMS:,} open work items ({kind}; set-up {time.perf_counter() - began:.1f} s; "
          f"p95 of {RUNS} reads; goal {GOAL_MS:.0f} ms):")
    readers = {
        "occupational physician, 1 service": user(eng, "op1", ["occupational_physician"], ["PS-1"]),
        f"occupational physician, {SERVICES} services": user(eng, "opn", ["occupational_physician"],
                                                             [f"PS-{n}" for n in range(SERVICES)]),
        "employer, 1 employer": user(eng, "hr1", ["employer"], ["Emp-1"]),
        "employer, 100 employers": user(eng, "hrn", ["employer"], [f"Emp-{n}" for n in range(100)]),
    }
    for label, reader in readers.items():
        for sort in ("risk", "newest", "case"):
            measure(f"inbox ({sort})", label, functools.partial(_inbox, eng, reader, sort))
        measure("case list", label, functools.partial(_cases, eng, reader))
    eng.close()


if __name__ == "__main__":
    main()
