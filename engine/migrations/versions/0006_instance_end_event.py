"""How a completed instance ended: the end event of its own process it reached (id and name).

Instances completed before this revision get theirs from their stored state: the end event of the
process (not of a called or embedded one) that completed last.

Revision ID: 0006
Revises: 0005
"""

import json
from xml.etree import ElementTree

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
COMPLETED = 64


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.add_column(sa.Column("end_event", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("end_event_name", sa.String(length=200), nullable=True))
        batch.create_index(batch.f("ix_process_instance_end_event"), ["end_event"])
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("process_instance") as batch:
        batch.drop_index(batch.f("ix_process_instance_end_event"))
        batch.drop_column("end_event_name")
        batch.drop_column("end_event")


def _backfill(connection: sa.Connection) -> None:
    rows = connection.execute(sa.text(
        "SELECT i.id, i.state_json, d.id, d.process_id, b.files FROM process_instance i "
        "JOIN process_definition d ON d.id = i.definition_id JOIN bundle b ON b.hash = d.bundle_hash "
        "WHERE i.state = 'completed'")).all()
    ends: dict[int, dict[str, str]] = {}
    for instance_id, state_json, definition_id, process_id, files in rows:
        if definition_id not in ends:
            ends[definition_id] = _end_events(json.loads(files) if isinstance(files, str) else files, process_id)
        found = _reached(json.loads(state_json), ends[definition_id])
        if found:
            connection.execute(sa.text("UPDATE process_instance SET end_event = :o, end_event_name = :n WHERE id = :i"),
                               {"o": found[0], "n": found[1], "i": instance_id})


def _end_events(files: dict[str, str], process_id: str) -> dict[str, str]:
    """The end events directly inside ``process_id`` (id → name), from the bundle's BPMN files."""
    for xml in files.values():
        for process in ElementTree.fromstring(xml).iter(f"{BPMN}process"):
            if process.get("id") == process_id:
                ends = process.findall(f"{BPMN}endEvent")
                return {e.get("id", ""): e.get("name") or e.get("id", "") or "" for e in ends}
    return {}


def _reached(state: dict, ends: dict[str, str]) -> tuple[str, str] | None:
    done = [t for t in state.get("tasks", {}).values() if t.get("task_spec") in ends and t.get("state") == COMPLETED]
    if not done:
        return None
    last = max(done, key=lambda t: t.get("last_state_change") or 0)
    return last["task_spec"], ends[last["task_spec"]]
