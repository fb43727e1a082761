"""How a deadline was counted, as data: ``deadline.explanation_parts``.

The parts (``engine/law/explanations.py``) let the pages explain a due date in the reader's language. Rows kept
before this revision have none and keep their English ``explanation``, which the pages show instead: computing
them again could use rules that changed since.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadline") as batch:
        batch.add_column(sa.Column("explanation_parts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadline") as batch:
        batch.drop_column("explanation_parts")
