"""Task form drafts: ``form_draft`` keeps what one person typed into a task's form until they complete it.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("saved_at", engine.store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["work_item_id"], ["work_item.id"], name=op.f("fk_form_draft_work_item_id_work_item")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_form_draft_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_draft")),
        sa.UniqueConstraint("work_item_id", "user_id", name=op.f("uq_form_draft_work_item_id_user_id")),
    )
    op.create_index(op.f("ix_form_draft_work_item_id"), "form_draft", ["work_item_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_form_draft_work_item_id"), table_name="form_draft")
    op.drop_table("form_draft")
