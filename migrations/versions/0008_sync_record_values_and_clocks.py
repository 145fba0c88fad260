"""Sync states keep their values and their clocks in two columns, and their newest clock.

sync_records.fields was {field: {"value", "hlc", "device_id", "rank", "version"}}. It
becomes field_values, {field: value} as clients see it (a finding's with its
reopen_count), and field_clocks, {field: {"hlc", "device_id", "rank", "version"}}; hlc
holds the newest field clock. A pull page then sends each record's values on as stored
text instead of decoding and re-encoding them. Every row is converted in place, nothing is
dropped; the downgrade puts fields back together and drops hlc, which it can recompute.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 08:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 1000
CLOCK_KEYS = ("hlc", "device_id", "rank", "version")
records = sa.table(
    "sync_records",
    sa.column("record_type", sa.String),
    sa.column("record_id", sa.String),
    sa.column("fields", sa.JSON),
    sa.column("field_values", sa.JSON),
    sa.column("field_clocks", sa.JSON),
    sa.column("hlc", sa.String),
)


def _apart(row):
    fields = row.fields
    values = {name: field["value"] for name, field in fields.items()}
    if row.record_type == "finding" and "status" in fields:
        values["reopen_count"] = fields["status"]["rank"]
    return {
        "field_values": values,
        "field_clocks": {
            name: {key: field[key] for key in CLOCK_KEYS} for name, field in fields.items()
        },
        "hlc": max((field["hlc"] for field in fields.values()), default=None),
    }


def _together(row):
    values = row.field_values
    return {
        "fields": {
            name: {"value": values.get(name), **clock} for name, clock in row.field_clocks.items()
        }
    }


def _convert(read, convert):
    """Rewrite every row, in key order, a thousand at a time."""
    connection = op.get_bind()
    key = (records.c.record_type, records.c.record_id)
    after = ("", "")
    while True:
        rows = connection.execute(
            sa.select(*key, *read).where(sa.tuple_(*key) > after).order_by(*key).limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            connection.execute(
                records.update()
                .where(records.c.record_type == row.record_type)
                .where(records.c.record_id == row.record_id)
                .values(**convert(row))
            )
        after = (rows[-1].record_type, rows[-1].record_id)


def upgrade():
    with op.batch_alter_table("sync_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("field_values", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("field_clocks", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("hlc", sa.String(length=128), nullable=True))
    _convert([records.c.fields], _apart)
    with op.batch_alter_table("sync_records", schema=None) as batch_op:
        batch_op.alter_column("field_values", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("field_clocks", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("fields")


def downgrade():
    with op.batch_alter_table("sync_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fields", sa.JSON(), nullable=True))
    _convert([records.c.field_values, records.c.field_clocks], _together)
    with op.batch_alter_table("sync_records", schema=None) as batch_op:
        batch_op.alter_column("fields", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("hlc")
        batch_op.drop_column("field_clocks")
        batch_op.drop_column("field_values")
