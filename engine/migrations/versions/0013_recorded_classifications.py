"""A completed work item keeps the classification of each field of the form version it was completed with.

Completed items recorded before are given the classes of their definition's bundled form.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from engine.casework.disclosure import recorded_classes

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_item") as batch:
        batch.add_column(sa.Column("classifications", sa.JSON(), nullable=True))
    item = sa.table("work_item", sa.column("id", sa.Integer), sa.column("instance_id", sa.Integer),
                    sa.column("form", sa.String), sa.column("state", sa.String), sa.column("data", sa.JSON),
                    sa.column("classifications", sa.JSON))
    instance = sa.table("process_instance", sa.column("id", sa.Integer), sa.column("definition_id", sa.Integer))
    definition = sa.table("process_definition", sa.column("id", sa.Integer), sa.column("bundle_hash", sa.String))
    bundle = sa.table("bundle", sa.column("hash", sa.String), sa.column("forms", sa.JSON))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(item.c.id, item.c.form, bundle.c.forms)
        .join(instance, item.c.instance_id == instance.c.id)
        .join(definition, instance.c.definition_id == definition.c.id)
        .join(bundle, definition.c.bundle_hash == bundle.c.hash)
        .where(item.c.state == "completed", item.c.data.is_not(None), item.c.form.is_not(None))).all()
    for item_id, form, bundle_forms in rows:
        schema = (bundle_forms or {}).get(form)
        if isinstance(schema, dict):
            connection.execute(item.update().where(item.c.id == item_id)
                               .values(classifications=recorded_classes(schema)))


def downgrade() -> None:
    with op.batch_alter_table("work_item") as batch:
        batch.drop_column("classifications")
