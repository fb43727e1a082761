"""A case keeps its returns to work and new incapacities with their legal dates (``incapacity_event``).

Convention 0.6: a return of 14 days or more ends a period of incapacity, and every rule counted from the
first day counts from the current period. The periods follow from these rows (``engine/law/periods.py``).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incapacity_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_file.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("recorded_at", engine.store.models.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
    )
    op.create_index(op.f("ix_incapacity_event_case_id"), "incapacity_event", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_incapacity_event_case_id"), "incapacity_event")
    op.drop_table("incapacity_event")
