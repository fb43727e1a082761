"""Indexes for the inbox and the case list filtered in SQL (issue 19): a case's employer, its opening order, and
on PostgreSQL the parties through which a role reaches a case; ready work items of a role by creation, and by legal
risk: ``work_item.risk_due_on``, the due date an item shows when it has a legal term (else 9999-12-31), filled in
for the items there are.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

PARTY_KEYS = ("employee_account", "treating_physician_account", "prevention_service", "sickness_fund",
              "regional_service", "inspectorate")


def upgrade() -> None:
    with op.batch_alter_table("work_item") as batch:
        batch.add_column(sa.Column("risk_due_on", sa.Date(), server_default="9999-12-31", nullable=False))
    op.execute("UPDATE work_item SET risk_due_on = COALESCE("
               "(SELECT d.due_on FROM deadline d WHERE d.id = work_item.deadline_id), "
               "CASE WHEN deadline_id IS NULL AND procedure_rule <> '' THEN procedure_due_on END, risk_due_on)")
    op.create_index("ix_work_item_state_role_risk_due_on_id", "work_item", ["state", "role", "risk_due_on", "id"])
    op.create_index("ix_case_file_employer", "case_file", ["employer"])
    op.create_index("ix_case_file_opened_at_id", "case_file", ["opened_at", "id"])
    op.create_index("ix_work_item_state_role_created_at_id", "work_item", ["state", "role", "created_at", "id"])
    if op.get_bind().dialect.name == "postgresql":
        for key in PARTY_KEYS:
            op.create_index(f"ix_case_file_party_{key}", "case_file", [sa.text(f"(parties ->> '{key}')")])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for key in PARTY_KEYS:
            op.drop_index(f"ix_case_file_party_{key}", table_name="case_file")
    op.drop_index("ix_work_item_state_role_created_at_id", table_name="work_item")
    op.drop_index("ix_work_item_state_role_risk_due_on_id", table_name="work_item")
    with op.batch_alter_table("work_item") as batch:
        batch.drop_column("risk_due_on")
    op.drop_index("ix_case_file_opened_at_id", table_name="case_file")
    op.drop_index("ix_case_file_employer", table_name="case_file")
