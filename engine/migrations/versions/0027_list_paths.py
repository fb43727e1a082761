"""Indexes for lists read from the user's cases or in the order of a case's reference (issue 19): a case's
employer with its opening order (the case list of one employer, newest first), the ready items of a case by role
(an inbox read from the cases a user acts on), and a case's reference in byte order (``COLLATE "C"`` on PostgreSQL:
the inbox by case walks it and pages by it). The first two replace the index they begin with.

Revision ID: 0027
Revises: 0026
"""

from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_file_employer_opened_at_id", "case_file", ["employer", "opened_at", "id"])
    op.drop_index("ix_case_file_employer", table_name="case_file")
    op.create_index("ix_work_item_case_id_state_role", "work_item", ["case_id", "state", "role"])
    op.drop_index("ix_work_item_case_id", table_name="work_item")
    op.create_index("ix_case_file_reference_c", "case_file", ["reference"], postgresql_ops={"reference": 'COLLATE "C"'})


def downgrade() -> None:
    op.drop_index("ix_case_file_reference_c", table_name="case_file")
    op.create_index("ix_work_item_case_id", "work_item", ["case_id"])
    op.drop_index("ix_work_item_case_id_state_role", table_name="work_item")
    op.create_index("ix_case_file_employer", "case_file", ["employer"])
    op.drop_index("ix_case_file_employer_opened_at_id", table_name="case_file")
