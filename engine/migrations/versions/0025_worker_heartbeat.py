"""Worker heartbeats: ``worker_heartbeat`` holds one row per running timer scheduler, for ``/readyz``.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

UTC = engine.store.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "worker_heartbeat",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC(), nullable=False),
        sa.Column("beat_at", UTC(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_heartbeat")),
    )


def downgrade() -> None:
    op.drop_table("worker_heartbeat")
