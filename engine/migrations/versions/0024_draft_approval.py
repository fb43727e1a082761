"""Four-eyes deploys: ``approval_setting`` (which processes need a second process owner's approval),
``draft_editor`` (who authored each draft) and ``draft_approval`` (approvals of one revision of a draft).

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

UTC = engine.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "approval_setting",
        sa.Column("process_id", sa.String(length=100), nullable=False),
        sa.Column("is_required", sa.Boolean(), nullable=False),
        sa.Column("changed_at", UTC(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("process_id", name=op.f("pk_approval_setting")),
    )
    op.create_table(
        "draft_editor",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"], name=op.f("fk_draft_editor_draft_id_draft")),
        sa.PrimaryKeyConstraint("draft_id", "username", name=op.f("pk_draft_editor")),
    )
    op.create_table(
        "draft_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approved_at", UTC(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"], name=op.f("fk_draft_approval_draft_id_draft")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_approval")),
    )
    op.create_index(op.f("ix_draft_approval_draft_id"), "draft_approval", ["draft_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_draft_approval_draft_id"), table_name="draft_approval")
    op.drop_table("draft_approval")
    op.drop_table("draft_editor")
    op.drop_table("approval_setting")
