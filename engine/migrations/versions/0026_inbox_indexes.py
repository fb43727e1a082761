"""Indexes for the inbox and the case list filtered in SQL (issue 19): a case's employer, its opening order, and
on PostgreSQL the parties through which a role reaches a case; ready work items of a role by creation.

Revision ID: 0026
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0024"
branch_labels = None
depends_on = None

PARTY_KEYS = ("employee_account", "treating_physician_account", "prevention_service", "sickness_fund",
              "regional_service", "inspectorate")


def upgrade() -> None:
    op.create_index("ix_case_file_employer", "case_file", ["employer"])
    op.create_index("ix_case_file_opened_at_id", "case_file", ["opened_at", "id"])
    op.create_index("ix_work_item_state_role_created_at", "work_item", ["state", "role", "created_at"])
    if op.get_bind().dialect.name == "postgresql":
        for key in PARTY_KEYS:
            op.create_index(f"ix_case_file_party_{key}", "case_file", [sa.text(f"(parties ->> '{key}')")])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for key in PARTY_KEYS:
            op.drop_index(f"ix_case_file_party_{key}", table_name="case_file")
    op.drop_index("ix_work_item_state_role_created_at", table_name="work_item")
    op.drop_index("ix_case_file_opened_at_id", table_name="case_file")
    op.drop_index("ix_case_file_employer", table_name="case_file")
