"""The term of its procedure that governs a task with no term of its own: ``work_item.procedure_*``.

Open tasks kept before this revision get theirs at their instance's next step.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_item") as batch:
        batch.add_column(sa.Column("procedure_rule", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("procedure_start_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("procedure_due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("procedure_explanation", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("work_item") as batch:
        for column in ("procedure_explanation", "procedure_due_on", "procedure_start_on", "procedure_rule"):
            batch.drop_column(column)
