"""An instance the worker keeps from the employer: ``process_instance.withheld_from_employer``.

The runtime sets it on every save from the instance's data (``engine/casework/withheld.py``, the catalogue's
``withheld_from_employer_when``). Existing pre-return visits get it from what their tasks recorded: withheld
when the worker objected to informing the employer, or, with no answer recorded yet, unless the employer
asked for the visit (privacy by default).

Revision ID: 0017
Revises: 0012
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

PROCEDURE, VARIABLE = "pre_return_visit", "employee_objects_to_informing_employer"


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.add_column(sa.Column("withheld_from_employer", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.create_index(batch.f("ix_process_instance_withheld_from_employer"), ["withheld_from_employer"])
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.drop_index(batch.f("ix_process_instance_withheld_from_employer"))
        batch.drop_column("withheld_from_employer")


def _backfill(connection: sa.Connection) -> None:
    instances = connection.execute(sa.text(
        "SELECT i.id FROM process_instance i JOIN process_definition d ON d.id = i.definition_id "
        "WHERE d.process_id = :p"), {"p": PROCEDURE}).scalars().all()
    for instance_id in instances:
        recorded: dict = {}
        for (data,) in connection.execute(sa.text(
                "SELECT data FROM work_item WHERE instance_id = :i AND state = 'completed' ORDER BY ended_at, id"),
                {"i": instance_id}):
            recorded.update(json.loads(data) if isinstance(data, str) else data or {})
        withheld = bool(recorded[VARIABLE]) if VARIABLE in recorded else recorded.get("requested_by") != "employer"
        if withheld:
            connection.execute(sa.text("UPDATE process_instance SET withheld_from_employer = :w WHERE id = :i"),
                               {"w": True, "i": instance_id})
