"""Drop the work item index on (state, role) alone (issue 19): the inbox's two indexes begin with the same columns
and serve every query it served, and each work item written (a task that arrives, is completed or is interrupted by
a timer) no longer updates a third copy of its state and role.

Revision ID: 0029
Revises: 0028
"""

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_work_item_state_role", table_name="work_item")


def downgrade() -> None:
    op.create_index("ix_work_item_state_role", "work_item", ["state", "role"])
