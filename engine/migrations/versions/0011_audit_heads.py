"""Audit streams get a head row (``audit_head``) and events the content hashes of the rows they change.

Appends lock the head of their stream, so concurrent readers never collide on the next number; checkpoints
export the heads. ``row_hashes`` holds the SHA-256 of the instance and work items an event saved. Existing
streams get their head from their last event.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("stream", sa.String(length=60), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", engine.store.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("stream", name=op.f("pk_audit_head")),
    )
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.add_column(sa.Column("row_hashes", sa.JSON(), nullable=True))
    op.execute("INSERT INTO audit_head (stream, seq, hash, updated_at) SELECT e.stream, e.seq, e.hash, e.at"
               " FROM audit_event e WHERE e.seq = (SELECT MAX(m.seq) FROM audit_event m WHERE m.stream = e.stream)")


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_column("row_hashes")
    op.drop_table("audit_head")
