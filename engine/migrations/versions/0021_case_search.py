"""Finding cases: ``case_file.search_text`` holds a case's reference, worker and employer folded for search.

Folded in Python (lower case, accents stripped: ``engine/store/search_text.py``) because SQLite has no
``unaccent``; existing cases get theirs here, new ones when they are opened, pseudonymised ones from their
pseudonym (the worker's old name finds nothing).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

from engine.store import search_text

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_file") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, reference, employee, employer FROM case_file")).all()
    for case_id, reference, employee, employer in rows:
        connection.execute(sa.text("UPDATE case_file SET search_text = :t WHERE id = :i"),
                           {"t": search_text.of_case(reference, employee, employer), "i": case_id})


def downgrade() -> None:
    with op.batch_alter_table("case_file") as batch:
        batch.drop_column("search_text")
