"""Issue 19: the inbox and the case list filter in SQL exactly as ``visibility`` decides in Python.

One database holds cases with every shape of parties (organisations named, absent or empty, the worker and their
physician named or not), each with a withheld and an open instance and a ready work item of every lane role;
Hypothesis draws users (roles, organisations, username) and the SQL conditions of ``case_scope`` must pick the
same cases and work items as the Python rules the inbox and the case list applied before (``visibility``,
``withheld``).
"""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine.casework import case_scope, visibility
from engine.casework.access import CASE_ROLES, LANE_STAFF_ROLES, ROLES
from engine.store.models import Case, ProcessDefinition, ProcessInstance, WorkItem
from tests.engine.test_runtime import DEMO

ORGANISATIONS = ("Acme", "Beta", "Mensura", "CM", "VDAB", "FOD", "")
USERNAMES = ("ann", "bob", "doc", "")
PARTY_CHOICES = {
    "prevention_service": (None, "Mensura", "Acme", ""),
    "sickness_fund": (None, "CM", "Beta"),
    "regional_service": (None, "VDAB"),
    "inspectorate": (None, "FOD", "Acme"),
    "employee_account": (None, "ann", "bob"),
    "treating_physician_account": (None, "doc", "ann", ""),
}
AT = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)

EDGES = [SimpleNamespace(roles=["occupational_physician", "treating_physician"], organisations=[""], username=""),
         SimpleNamespace(roles=["compliance_officer", "employer"], organisations=["Acme"], username="ann"),
         SimpleNamespace(roles=["compliance_officer", "admin"], organisations=["Beta"], username="x"),
         SimpleNamespace(roles=["employer", "advisory_physician"], organisations=["Beta", "CM"], username="bob"),
         SimpleNamespace(roles=["medical_inspector", "regional_counsellor"], organisations=["Acme", "VDAB"],
                         username="doc"),
         SimpleNamespace(roles=["employer"], organisations=["Beta", "", "Acme"], username="ann")]
"""Users the rules treat specially: an empty organisation or username, an officer who is also the employer or an
admin, an employer who is also the fund's physician, HR of several employers (an empty one among them)."""

users = st.builds(SimpleNamespace, roles=st.lists(st.sampled_from(ROLES), unique=True, max_size=4),
                  organisations=st.lists(st.sampled_from(ORGANISATIONS), unique=True, max_size=3),
                  username=st.sampled_from(USERNAMES))


@pytest.fixture
def world(eng):
    """120 cases drawn from every combination of employer and parties, with their instances and work items."""
    eng.deploy(DEMO, actor="owner")
    shapes = list(itertools.product(("Acme", "Beta"), *PARTY_CHOICES.values()))
    with eng.database.unit_of_work() as session:
        definition = session.scalars(select(ProcessDefinition.id)).first()
        for number, (employer, *values) in enumerate(random.Random(19).sample(shapes, 120)):
            parties = {key: value for key, value in zip(PARTY_CHOICES, values, strict=True) if value is not None}
            case = Case(reference=f"C-{number}", employee="W", employer=employer, parties=parties,
                        first_day_of_incapacity=date(2026, 9, 1), opened_at=AT, opened_by="test")
            session.add(case)
            session.flush()
            runs = [ProcessInstance(case_id=case.id, definition_id=definition, state="running", state_json="{}",
                                    library_version="3", version=1, started_at=AT, started_by="test",
                                    withheld_from_employer=is_withheld) for is_withheld in (True, False)]
            session.add_all(runs)
            session.flush()
            session.add_all(WorkItem(instance_id=runs[(n + number) % 2].id, case_id=case.id, employer=employer,
                                     task_id=f"t{n}", bpmn_id="task", name="Task", role=role, state="ready",
                                     created_at=AT)
                            for n, role in enumerate((*CASE_ROLES, *LANE_STAFF_ROLES, "process_owner")))
        session.commit()
    analyse(eng)
    return eng


def analyse(eng) -> None:
    """Give PostgreSQL's planner the statistics autovacuum would after such a load. Without them it plans from
    whatever an earlier test left (a table analysed while empty, its pages full of deleted rows: one row expected,
    nested loops over every page), and paging the inbox took minutes."""
    if eng.database.engine.dialect.name == "postgresql":
        with eng.database.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE case_file, process_instance, work_item")
            connection.commit()


def python_cases(session, user) -> set[int]:
    return {c.id for c in session.scalars(select(Case)) if visibility.of_user(user, c).has_case}


def python_items(session, user, roles) -> set[int]:
    """The rule the inbox applied in Python before issue 19."""
    rows = session.execute(select(WorkItem, Case, ProcessInstance).join(Case, WorkItem.case_id == Case.id)
                           .join(ProcessInstance, WorkItem.instance_id == ProcessInstance.id))
    return {item.id for item, case, run in rows
            if item.role in roles and item.role in visibility.acting_roles(user, case)
            and not (run.withheld_from_employer and visibility.of_user(user, case).employer_side)}


def sql_items(session, user, roles) -> set[int]:
    return set(session.scalars(select(WorkItem.id).join(Case, WorkItem.case_id == Case.id)
                               .join(ProcessInstance, WorkItem.instance_id == ProcessInstance.id)
                               .where(case_scope.actionable(user, roles))))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user=users)
@example(EDGES[0])
@example(EDGES[1])
@example(EDGES[2])
@example(EDGES[3])
@example(EDGES[4])
@example(EDGES[5])
def test_the_case_list_finds_in_sql_exactly_the_cases_visibility_lets_a_user_see(world, user):
    with world.database.unit_of_work() as session:
        assert set(session.scalars(select(Case.id).where(case_scope.has_case(user)))) == python_cases(session, user)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user=users, role=st.one_of(st.none(), st.sampled_from(ROLES)))
@example(EDGES[0], None)
@example(EDGES[1], None)
@example(EDGES[2], "compliance_officer")
@example(EDGES[3], None)
@example(EDGES[4], None)
@example(EDGES[5], None)
def test_the_inbox_finds_in_sql_exactly_the_work_items_a_user_may_act_on(world, user, role):
    roles = [r for r in user.roles if role in (None, r)]
    with world.database.unit_of_work() as session:
        assert sql_items(session, user, roles) == python_items(session, user, roles)


def test_the_varied_cases_give_every_kind_of_reader_something_to_find(world):
    """The fixture can tell the rules apart: each kind of reader sees some cases and not others."""
    readers = [SimpleNamespace(roles=["employer"], organisations=["Acme"], username="x"),
               SimpleNamespace(roles=["advisory_physician"], organisations=["CM"], username="x"),
               SimpleNamespace(roles=["employee"], organisations=[], username="ann"),
               SimpleNamespace(roles=["compliance_officer"], organisations=["Beta"], username="x")]
    with world.database.unit_of_work() as session:
        total = len(python_cases(session, SimpleNamespace(roles=["admin"], organisations=[], username="x")))
        for reader in readers:
            assert 0 < len(python_cases(session, reader)) < total
        employer = SimpleNamespace(roles=["employer"], organisations=["Acme"], username="x")
        assert 0 < len(sql_items(session, employer, ["employer"])) < len(python_cases(session, employer))
