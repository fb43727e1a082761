"""Issue 15.5: finding a case by reference, worker or employer, whatever the case and the accents."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

import engine
from tests.engine.test_migrations import migrated_again
from tests.engine.test_runtime import DEMO
from tests.privacy.test_retention import visit


def open_case(eng: engine.Engine, reference: str, employee: str, employer: str = "Acme NV") -> int:
    return eng.open_case(reference=reference, employee=employee, employer=employer,
                         first_day_of_incapacity=date(2026, 9, 1), actor="hr1", with_follow_up=False).id


def user(eng: engine.Engine, username: str, roles: list[str], organisations: list[str] | None = None) -> int:
    return eng.create_user(username=username, password="correct horse battery", display_name=username.title(),
                           roles=roles, organisations=organisations or [], actor="test").id


def found(eng: engine.Engine, user_id: int, query: str | None) -> list[str]:
    return [row.reference for row in eng.find_cases(user_id, query=query).rows]


@pytest.mark.parametrize(("query", "references"), [
    ("eva", ["DOS-001"]),
    ("ÉVA PEETERS", ["DOS-001"]),
    ("peeters eva", ["DOS-001"]),
    ("cafe ca va", ["DOS-001"]),
    ("Café", ["DOS-001"]),
    ("dos-002", ["DOS-002"]),
    ("jansSens acme", ["DOS-002"]),
    ("DOS", ["DOS-002", "DOS-001"]),
    ("", ["DOS-002", "DOS-001"]),
    ("eva acme", []),
    ("100%", []),
])
def test_a_search_finds_cases_by_reference_worker_or_employer_whatever_case_and_accents(eng, query, references):
    open_case(eng, "DOS-001", "Éva Peeters", "Café Ça Va BV")
    open_case(eng, "DOS-002", "Jan Janssens")
    assert found(eng, user(eng, "root", ["admin"]), query) == references


def test_a_search_finds_only_the_cases_the_user_may_see(eng):
    open_case(eng, "ACME-1", "Eva Peeters", "Acme NV")
    open_case(eng, "BETA-1", "Eva Peeters", "Beta BV")
    hr = user(eng, "hr", ["employer"], ["Acme NV"])
    page = eng.find_cases(hr, query="eva")
    assert [row.reference for row in page.rows] == ["ACME-1"] and page.next_cursor is None
    assert found(eng, hr, "beta") == []


def test_a_pseudonymised_case_is_not_found_by_the_workers_old_name(eng, clock):
    eng.deploy(DEMO, actor="owner")
    clock.set(datetime(2027, 1, 5, 10, tzinfo=timezone.utc))
    closed = visit(eng, "R-CLOSED", "Ann Peeters", "ann")
    clock.set(datetime(2037, 2, 1, tzinfo=timezone.utc))
    assert [d.case_id for d in eng.retention.pseudonymise_expired(actor="scheduler")] == [closed]
    root = user(eng, "root", ["admin"])
    assert found(eng, root, "ann peeters") == [] and found(eng, root, "R-CLOSED") == []
    [row] = eng.find_cases(root, query="acme").rows
    assert row.reference.startswith("P-") and row.status == "pseudonymised"
    assert found(eng, root, row.reference.lower()) == [row.reference]


def test_each_case_shows_its_status_running_procedures_and_next_legal_date(eng, clock):
    eng.deploy(DEMO, actor="owner")
    clock.set(datetime(2026, 12, 23, 9, tzinfo=timezone.utc))
    running = visit(eng, "R-OPEN", "Bo Jansen", "bo", close=False)
    closed = visit(eng, "R-CLOSED", "Ann Peeters", "ann")
    open_case(eng, "R-NEW", "Cas Maes")
    rows = {row.id: row for row in eng.find_cases(user(eng, "root", ["admin"])).rows}
    assert (rows[running].status, rows[running].procedures, rows[running].next_due_on) == (
        "running", ("visit_demo",), date(2027, 1, 8))  # 10 working days from 23/12, Christmas and New Year skipped
    assert (rows[closed].status, rows[closed].procedures, rows[closed].next_due_on) == ("closed", (), None)
    assert [row.status for row in rows.values() if row.reference == "R-NEW"] == ["no_procedure"]


def test_the_cases_come_a_page_at_a_time_forwards_and_back(eng):
    for number in range(1, 6):
        open_case(eng, f"DOS-{number}", "Eva Peeters")
    root = user(eng, "root", ["admin"])
    first = eng.find_cases(root, query="eva", limit=2)
    second = eng.find_cases(root, query="eva", cursor=first.next_cursor, limit=2)
    last = eng.find_cases(root, query="eva", cursor=second.next_cursor, limit=2)
    assert [r.reference for r in first.rows] == ["DOS-5", "DOS-4"] and first.previous_cursor is None
    assert [r.reference for r in second.rows] == ["DOS-3", "DOS-2"]
    assert [r.reference for r in last.rows] == ["DOS-1"] and last.next_cursor is None
    back = eng.find_cases(root, query="eva", cursor=last.previous_cursor, limit=2)
    assert [r.reference for r in back.rows] == ["DOS-3", "DOS-2"] and back.next_cursor and back.previous_cursor


@pytest.mark.parametrize("refused", [{"limit": 0}, {"limit": 201}, {"cursor": "not-a-cursor"},
                                     {"cursor": "eyJvIjoibmV3ZXN0IiwiYiI6ZmFsc2UsInYiOlsxLDJdfQ"}])
def test_a_page_of_cases_is_refused_for_a_bad_cursor_or_size(eng, refused):
    with pytest.raises(engine.InvalidInput):
        eng.find_cases(user(eng, "root", ["admin"]), **refused)


def test_the_inbox_and_the_cockpit_keep_the_work_of_the_cases_found(eng, clock):
    eng.deploy(DEMO, actor="owner")
    clock.set(datetime(2026, 12, 23, 9, tzinfo=timezone.utc))
    visit(eng, "R-BO", "Bo Jansen", "bo", close=False)
    visit(eng, "R-ANN", "Ann Peeters", "ann", close=False)
    physician = user(eng, "oa1", ["occupational_physician"], ["Mensura"])
    assert {i.case_reference for i in eng.inbox(physician)} == {"R-BO", "R-ANN"}
    assert [i.case_reference for i in eng.inbox(physician, query="JANSEN")] == ["R-BO"]
    page = eng.inbox_page(physician, query="r-", limit=1)
    assert len(page.rows) == 1 and page.previous_cursor is None
    rest = eng.inbox_page(physician, query="r-", limit=1, cursor=page.next_cursor)
    assert len(rest.rows) == 1 and rest.next_cursor is None and rest.rows[0].id != page.rows[0].id
    officer = user(eng, "officer", ["compliance_officer"])
    assert [r.case_reference for r in eng.find_instances(user_id=officer, query="peeters").rows] == ["R-ANN"]


def test_cases_opened_before_revision_0021_are_found_by_their_accented_names(eng, database_url):
    case_id = open_case(eng, "DOS-001", "Éva Peeters", "Café Ça Va BV")
    migrated_again(database_url, "0020", sa.text("SELECT id FROM case_file"))
    assert found(eng, user(eng, "root", ["admin"]), "eva cafe") == ["DOS-001"]
    assert eng.case(case_id).employee == "Éva Peeters"
