"""A sync state whose fields share one clock may store it once.

sync_records.field_clocks was always {field: {"hlc", "device_id", "rank", "version"}}. A
submitted inspection's fields are all written by one change, so they share one clock: the
server now stores it once, as a one-element list, and reads both forms. No column changes
and the upgrade converts nothing (the old form stays valid). The downgrade writes every
one-element list back as the same clock for each field of the row's field_values, the
only form the code before this revision reads; nothing is lost either way.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 14:00:00.000000

"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BATCH = 1000
records = sa.table(
    "sync_records",
    sa.column("record_type", sa.String),
    sa.column("record_id", sa.String),
    sa.column("field_values", sa.JSON),
    sa.column("field_clocks", sa.JSON),
)


def upgrade():
    pass


def _is_one_clock(connection):
    # JSON arrays: json_typeof on PostgreSQL (a json column), json_type on SQLite.
    if connection.dialect.name == "postgresql":
        return sa.func.json_typeof(records.c.field_clocks) == "array"
    return sa.func.json_type(records.c.field_clocks) == "array"


def _loaded(value):
    return json.loads(value) if isinstance(value, str) else value


def downgrade():
    connection = op.get_bind()
    key = (records.c.record_type, records.c.record_id)
    after = ("", "")
    while True:
        rows = connection.execute(
            sa.select(*key, records.c.field_values, records.c.field_clocks)
            .where(_is_one_clock(connection), sa.tuple_(*key) > after)
            .order_by(*key)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            clock = _loaded(row.field_clocks)[0]
            connection.execute(
                records.update()
                .where(records.c.record_type == row.record_type)
                .where(records.c.record_id == row.record_id)
                .values(field_clocks=dict.fromkeys(_loaded(row.field_values), clock))
            )
        after = (rows[-1].record_type, rows[-1].record_id)
