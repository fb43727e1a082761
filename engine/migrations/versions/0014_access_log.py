"""Every read of a case is logged in the access log, apart from the audit trail (issue 14).

Revision ID: 0014
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", engine.store.models.UTCDateTime(), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("surface", sa.String(20), nullable=False),
        sa.Column("target", sa.String(100), nullable=True),
        sa.Column("classifications", sa.JSON(), nullable=False),
    )
    op.create_index(op.f("ix_access_log_case_id_at"), "access_log", ["case_id", "at"])
    op.create_index(op.f("ix_access_log_username_at"), "access_log", ["username", "at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_access_log_username_at"), "access_log")
    op.drop_index(op.f("ix_access_log_case_id_at"), "access_log")
    op.drop_table("access_log")
