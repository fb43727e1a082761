"""The migrations build exactly the schema the models describe, and running them again changes nothing."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import engine
from engine.models import Base


def test_the_migrated_schema_matches_the_models(database_url):
    db = sa.create_engine(database_url)
    with db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    db.dispose()
    assert differences == []


def test_upgrading_an_up_to_date_database_keeps_its_data(eng, database_url):
    case = eng.open_case(reference="C-1", employee="An", employer="Acme",
                         first_day_of_incapacity=date(2026, 9, 1), actor="hr")
    again = engine.Engine(database_url)
    again.upgrade_schema()
    again.close()
    assert eng.case(case.id).reference == "C-1"
