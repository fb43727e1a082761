"""Drafts: process owners' unsaved-to-production work on a process (BPMN files and forms), with a revision lock.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=100), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=True),
        sa.Column("created_at", engine.store.models.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", engine.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("deployed_as", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["based_on"], ["process_definition.id"],
                                name=op.f("fk_draft_based_on_process_definition")),
        sa.ForeignKeyConstraint(["deployed_as"], ["process_definition.id"],
                                name=op.f("fk_draft_deployed_as_process_definition")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
    )
    op.create_index(op.f("ix_draft_process_id"), "draft", ["process_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_draft_process_id"), table_name="draft")
    op.drop_table("draft")
