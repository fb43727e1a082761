"""Retention: audit events commit to a digest of their payload, cases remember their pseudonymisation.

``audit_event`` gets ``payload_digest`` (SHA-256 of actor, before, after), ``legacy_hash`` (the hash before this
migration) and ``redacted_at``; every intact stream is re-chained in the new format (``engine.store.audit_rechain``)
so a later pseudonymisation can redact an event's data and the chain stays verifiable. ``case_file`` gets
``pseudonymised_at``.

Revision ID: 0016
Revises: 0015
"""

import logging

import sqlalchemy as sa
from alembic import op

import engine.store.models
from engine.store import audit_rechain

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.add_column(sa.Column("payload_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("legacy_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("redacted_at", engine.store.models.UTCDateTime(), nullable=True))
    with op.batch_alter_table("case_file") as batch_op:
        batch_op.add_column(sa.Column("pseudonymised_at", engine.store.models.UTCDateTime(), nullable=True))
    broken = audit_rechain.rechain(op.get_bind())
    if broken:
        logging.getLogger(__name__).warning("audit streams left in the first format (broken): %s", broken)


def downgrade() -> None:
    """Chain the streams in the first format again; a redacted or broken stream stays as it is (and fails)."""
    left = audit_rechain.to_first_format(op.get_bind())
    if left:
        logging.getLogger(__name__).warning("audit streams left in the second format: %s", left)
    with op.batch_alter_table("case_file") as batch_op:
        batch_op.drop_column("pseudonymised_at")
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_column("redacted_at")
        batch_op.drop_column("legacy_hash")
        batch_op.drop_column("payload_digest")
