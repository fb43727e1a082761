"""An instance whose timer path fails gets an incident (``incident``): error, attempts, next retry, resolution.

Instances already stopped by an error become open incidents that wait for a person (no automatic retry),
dated by their last audit event.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STOPPED = """
INSERT INTO incident (instance_id, case_id, element, error_class, message, first_at, last_at, attempts, state)
SELECT p.id, p.case_id, NULL, 'unknown', COALESCE(p.error, 'stopped by an error'),
       COALESCE((SELECT MAX(a.at) FROM audit_event a WHERE a.instance_id = p.id), p.started_at),
       COALESCE((SELECT MAX(a.at) FROM audit_event a WHERE a.instance_id = p.id), p.started_at), 1, 'open'
FROM process_instance p WHERE p.state = 'error'
"""


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instance.id"), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_file.id"), nullable=False),
        sa.Column("element", sa.String(100), nullable=True),
        sa.Column("error_class", sa.String(100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("first_at", engine.store.models.UTCDateTime(), nullable=False),
        sa.Column("last_at", engine.store.models.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_retry_at", engine.store.models.UTCDateTime(), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("resolved_at", engine.store.models.UTCDateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(100), nullable=True),
        sa.Column("resolution", sa.String(20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
    )
    for column in ("instance_id", "case_id", "next_retry_at", "state"):
        op.create_index(op.f(f"ix_incident_{column}"), "incident", [column])
    op.execute(STOPPED)


def downgrade() -> None:
    for column in ("instance_id", "case_id", "next_retry_at", "state"):
        op.drop_index(op.f(f"ix_incident_{column}"), "incident")
    op.drop_table("incident")
