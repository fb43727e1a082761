"""Keep a case's employer on its work items (issue 19): an HR user's inbox then finds their employers' ready items in
an index of their own (by role, employer and legal risk), rather than looking up the items of each of their cases
one by one. A case's employer never changes, so the items there are get it once here.

Revision ID: 0030
Revises: 0029
"""

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

READY = sa.text("state = 'ready'")


def upgrade() -> None:
    op.add_column("work_item", sa.Column("employer", sa.String(200), nullable=True))
    op.execute("UPDATE work_item SET employer = (SELECT c.employer FROM case_file c WHERE c.id = work_item.case_id)")
    with warnings.catch_warnings():
        # SQLite rebuilds the table, reflecting the case table it refers to; that one keeps its indexes on the
        # parties, which SQLAlchemy cannot reflect and says so
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", sa.exc.SAWarning)
        with op.batch_alter_table("work_item") as batch:
            batch.alter_column("employer", existing_type=sa.String(200), nullable=False)
    op.create_index("ix_work_item_role_employer_risk_due_on_id", "work_item", ["role", "employer", "risk_due_on", "id"],
                    postgresql_where=READY, sqlite_where=READY)


def downgrade() -> None:
    op.drop_index("ix_work_item_role_employer_risk_due_on_id", table_name="work_item")
    op.drop_column("work_item", "employer")
