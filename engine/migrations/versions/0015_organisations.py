"""Organisations as data, and a password an admin set that its user must change.

The organisations already named by users (``app_user.organisations``) and cases (``case_file.employer`` and the
organisation keys of ``parties``) are inserted; the kind is guessed from where the name appears (the employer of a
case is an employer, a party key names its kind, a name only users hold is ``other``).

Revision ID: 0015
Revises: 0012
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

PARTY_KINDS = ("prevention_service", "sickness_fund", "regional_service", "inspectorate")


def upgrade() -> None:
    organisation = op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.add_column("app_user", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    rows = [{"name": name, "kind": kind, "is_active": True} for name, kind in sorted(_named(op.get_bind()).items())]
    if rows:
        op.bulk_insert(organisation, rows)


def _named(connection: sa.Connection) -> dict[str, str]:
    """Every organisation name in use, with its guessed kind (a case's word wins over a user's)."""
    kinds: dict[str, str] = {}
    for (value,) in connection.execute(sa.text("SELECT organisations FROM app_user")):
        names = _loaded(value)
        for name in names if isinstance(names, list) else []:
            kinds.setdefault(str(name)[:200], "other")
    for employer, parties in connection.execute(sa.text("SELECT employer, parties FROM case_file")):
        named = _loaded(parties)
        parties = named if isinstance(named, dict) else {}
        for key in PARTY_KINDS:
            if isinstance(parties.get(key), str) and parties[key].strip():
                kinds[parties[key][:200]] = key
        kinds[employer[:200]] = "employer"
    return {name: kind for name, kind in kinds.items() if name.strip()}


def _loaded(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def downgrade() -> None:
    op.drop_column("app_user", "must_change_password")
    op.drop_table("organisation")
