"""Instance migrations: running instances moved between versions of their diagrams, each revertible.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import engine.store.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_migration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("from_definition_id", sa.Integer(), nullable=False),
        sa.Column("to_definition_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("migrated_by", sa.String(length=100), nullable=False),
        sa.Column("migrated_at", engine.store.models.UTCDateTime(), nullable=False),
        sa.Column("state_before", sa.Text(), nullable=False),
        sa.Column("version_after", sa.Integer(), nullable=False),
        sa.Column("deadlines", sa.JSON(), nullable=False),
        sa.Column("reverted_at", engine.store.models.UTCDateTime(), nullable=True),
        sa.Column("reverted_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"],
                                name=op.f("fk_instance_migration_instance_id_process_instance")),
        sa.ForeignKeyConstraint(["from_definition_id"], ["process_definition.id"],
                                name=op.f("fk_instance_migration_from_definition_id_process_definition")),
        sa.ForeignKeyConstraint(["to_definition_id"], ["process_definition.id"],
                                name=op.f("fk_instance_migration_to_definition_id_process_definition")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instance_migration")),
    )
    op.create_index(op.f("ix_instance_migration_batch"), "instance_migration", ["batch"])
    op.create_index(op.f("ix_instance_migration_instance_id"), "instance_migration", ["instance_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_instance_migration_instance_id"), table_name="instance_migration")
    op.drop_index(op.f("ix_instance_migration_batch"), table_name="instance_migration")
    op.drop_table("instance_migration")
