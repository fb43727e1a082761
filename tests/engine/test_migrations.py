"""The migrations build exactly the schema the models describe, and running them again changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.schema import CreateIndex

import engine
from engine.store.models import CASE_PARTY_KEYS, Base, Case, Deadline
from tests.engine.test_compliance import REQUEST, VISIT, do, request_visit
from tests.scenarios.conftest import PROCESSES, at


@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_migrated_schema_matches_the_models(database_url):
    """Autogenerate compares no index on an expression (a case's parties): the next test compares them on SQLite."""
    db = sa.create_engine(database_url)
    with db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    db.dispose()
    assert differences == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_migrated_sqlite_indexes_on_a_cases_parties_are_those_of_the_models(database_url):
    db = sa.create_engine(database_url)
    with db.connect() as connection:
        migrated = dict(connection.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_case_file_party_%'")).all())
    db.dispose()
    declared = {index.name: str(CreateIndex(index).compile(dialect=db.dialect))
                for index in Case.__table__.indexes if str(index.name).startswith("ix_case_file_party_")}
    assert migrated == declared and len(declared) == len(CASE_PARTY_KEYS)


def test_upgrading_an_up_to_date_database_keeps_its_data(eng, database_url):
    case = eng.open_case(reference="C-1", employee="An", employer="Acme",
                         first_day_of_incapacity=date(2026, 9, 1), actor="hr")
    again = engine.Engine(database_url)
    again.upgrade_schema()
    again.close()
    assert eng.case(case.id).reference == "C-1"


def test_instances_completed_before_0006_get_the_end_event_they_reached(database_url, clock):
    """Revision 0006 reads how an already completed instance ended from its stored state."""
    clock.set(at(2026, 12, 23))
    eng = engine.Engine(database_url, clock=clock)
    eng.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    visit = request_visit(eng, "C-1", "Acme NV", REQUEST)
    do(eng, visit, "hold_visit", {**VISIT, "held_on": "2026-12-23"})
    do(eng, visit, "answer_recommendations", {"answered_on": "2026-12-23", "adaptations_agreed": True,
                                              "answer": "Desk ordered."})
    eng.close()
    ended = migrated_again(database_url, "0005", sa.text("SELECT end_event, end_event_name FROM process_instance"
                                                         " WHERE id = :i").bindparams(i=visit))
    assert tuple(ended) == ("end_answered", "Employer answered")


def test_deadlines_closed_before_0007_get_the_brussels_date_of_their_verdict(database_url, clock):
    """Revision 0007 dates a verdict given at 00:30 in Brussels (23:30 UTC the day before) on the Brussels day."""
    clock.set(at(2026, 12, 23))
    eng = engine.Engine(database_url, clock=clock)
    eng.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    visit = request_visit(eng, "C-1", "Acme NV", REQUEST)
    clock.set(at(2027, 1, 8, 0, 30))
    do(eng, visit, "hold_visit", {**VISIT, "held_on": "2027-01-08"})
    eng.close()
    closed = migrated_again(database_url, "0006", sa.select(Deadline.closed_at, Deadline.closed_on)
                            .where(Deadline.instance_id == visit, Deadline.rule == "T15"))
    assert tuple(closed) == (at(2027, 1, 8, 0, 30), date(2027, 1, 8))


def test_deadlines_kept_before_0018_have_no_explanation_parts_and_keep_their_english_text(database_url, clock):
    """Revision 0018 adds the parts and leaves older rows without them: the pages then show the English text."""
    clock.set(at(2026, 12, 23))
    eng = engine.Engine(database_url, clock=clock)
    eng.deploy(sorted(PROCESSES.glob("*.bpmn")), actor="process_owner")
    visit = request_visit(eng, "C-1", "Acme NV", REQUEST)
    eng.close()
    row = migrated_again(database_url, "0017", sa.select(Deadline.explanation_parts, Deadline.explanation)
                         .where(Deadline.instance_id == visit, Deadline.rule == "T15"))
    assert row.explanation_parts is None and row.explanation.endswith("= 2027-01-08 (T15, Codex welzijn op het werk, "
                                                                      "art. I.4-36)")


def migrated_again(database_url: str, revision: str, query: sa.Executable) -> sa.Row:
    """Downgrade to ``revision``, upgrade to the newest again, and read the one row ``query`` selects."""
    config = Config()
    config.set_main_option("script_location", str(Path(engine.__file__).parent / "migrations"))
    db = sa.create_engine(database_url)
    with db.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
        command.upgrade(config, "head")
        row = connection.execute(query).one()
    db.dispose()
    return row
