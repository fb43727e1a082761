"""Sign-in attempts are counted in the database (shared by every web process) and sessions are revocable.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempt",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_start", engine.store.models.UTCDateTime(), nullable=False),
    )
    op.create_table(
        "user_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("created_at", engine.store.models.UTCDateTime(), nullable=False),
    )
    op.create_index(op.f("ix_user_session_user_id"), "user_session", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_user_session_user_id"), "user_session")
    op.drop_table("user_session")
    op.drop_table("sign_in_attempt")
