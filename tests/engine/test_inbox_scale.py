"""Issue 19: a role with more cases than PostgreSQL takes bind parameters in one statement (65,535) still has an
inbox and a case list, a page at a time.

The inbox used to read every ready item of the role and then ask for their cases with one parameter per case:
from 65,536 cases PostgreSQL refused the statement and every user of the role got a server error. The 70,000
copies are made in SQL from one real case, so the test takes seconds.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.engine.test_case_search import user
from tests.engine.test_migrations import migrated_again
from tests.engine.test_runtime import start_demo

COPIES = 70_000


def copy_case(eng, case_id: int, instance_id: int) -> None:  # type: ignore[no-untyped-def]
    """Copy the case, its instance and its ready work item (given to the employer) ``COPIES`` times."""
    db = sa.create_engine(eng.database.url)
    with db.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO case_file (reference, employee, employer, first_day_of_incapacity, parties, opened_at, "
            "opened_by, search_text) SELECT 'S-' || i, employee, employer, first_day_of_incapacity, parties, "
            "opened_at, opened_by, search_text FROM case_file c, generate_series(1, :n) i WHERE c.id = :case"),
            {"n": COPIES, "case": case_id})
        conn.execute(sa.text(
            "INSERT INTO process_instance (case_id, definition_id, state, state_json, library_version, version, "
            "started_at, started_by, withheld_from_employer) SELECT n.id, p.definition_id, p.state, p.state_json, "
            "p.library_version, p.version, p.started_at, p.started_by, false FROM process_instance p, case_file n "
            "WHERE p.id = :instance AND n.id <> :case"), {"instance": instance_id, "case": case_id})
        conn.execute(sa.text(
            "INSERT INTO work_item (instance_id, case_id, employer, task_id, bpmn_id, name, role, form, state, "
            "created_at, risk_due_on) SELECT n.id, n.case_id, w.employer, w.task_id, w.bpmn_id, w.name, 'employer', "
            "w.form, w.state, w.created_at, w.risk_due_on FROM work_item w, process_instance n "
            "WHERE w.instance_id = :instance AND n.id <> :instance"), {"instance": instance_id})
    with db.begin() as conn:  # as autovacuum would after such a load: the planner must know the tables' size
        conn.execute(sa.text("ANALYZE case_file, process_instance, work_item"))
    db.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_role_with_70000_cases_gets_its_inbox_and_case_list_a_page_at_a_time(eng):
    case, instance = start_demo(eng)
    copy_case(eng, case.id, instance.id)
    hr = user(eng, "hr", ["employer"], ["Acme NV"])
    first = eng.inbox_page(hr)
    second = eng.inbox_page(hr, cursor=first.next_cursor)
    assert len(first.rows) == len(second.rows) == 50 and not {i.id for i in first.rows} & {i.id for i in second.rows}
    cases = eng.find_cases(hr, limit=200)
    assert len(cases.rows) == 200 and cases.next_cursor is not None


def test_items_open_before_revision_0026_are_ordered_by_the_due_date_of_their_term(eng, database_url):
    """Revision 0026 fills ``risk_due_on`` in from the item's own deadline (9999-12-31 for an item without a term)."""
    case, _ = start_demo(eng)
    [request] = eng.work_items(case_id=case.id)
    eng.complete(request.id, {"request_received_on": "2026-12-23"}, actor="employee1")
    [visit] = eng.work_items(case_id=case.id)
    assert visit.due_on is not None
    eng.close()
    row = migrated_again(database_url, "0025", sa.text(f"SELECT risk_due_on FROM work_item WHERE id = {visit.id}"))
    assert row.risk_due_on in (visit.due_on, visit.due_on.isoformat())
    later = migrated_again(database_url, "0025", sa.text(f"SELECT risk_due_on FROM work_item WHERE id = {request.id}"))
    assert later.risk_due_on in (date.max, date.max.isoformat())


def test_a_work_item_carries_its_cases_employer_from_the_engine_and_from_revision_0030(eng, database_url):
    """An HR user's inbox reads the employer on the item (an index of each employer's ready items): the engine
    writes it with every item it adds, and revision 0030 fills it in for the items there were."""
    case, _ = start_demo(eng)
    [request] = eng.work_items(case_id=case.id)
    eng.complete(request.id, {"request_received_on": "2026-12-23"}, actor="employee1")
    with eng.database.engine.connect() as connection:
        employers = set(connection.execute(sa.text(f"SELECT employer FROM work_item WHERE case_id = {case.id}"))
                        .scalars())
    assert employers == {case.employer} and len(eng.work_items(case_id=case.id)) == 1
    eng.close()
    row = migrated_again(database_url, "0029", sa.text(f"SELECT employer FROM work_item WHERE id = {request.id}"))
    assert row.employer == case.employer
