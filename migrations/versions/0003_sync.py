"""Sync: record merge states, change receipts, conflicts, the change feed and its epoch.

The upgrade creates the sync_server row (a fresh epoch, seq 0). The downgrade refuses to
run while any record state, receipt or conflict is stored: they are the only copy of field
clocks and of values that lost a merge, so dropping them would lose data silently.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 03:00:00.000000

"""

import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_KEPT_TABLES = ("sync_records", "sync_receipts", "sync_conflicts")


def upgrade():
    server = op.create_table(
        "sync_server",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.String(length=64), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_server")),
    )
    op.create_table(
        "sync_records",
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("fields", _JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False),
        sa.Column("deleted_hlc", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("record_type", "record_id", name=op.f("pk_sync_records")),
    )
    op.create_table(
        "sync_feed",
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("record_type", "record_id", name=op.f("pk_sync_feed")),
        sa.UniqueConstraint("seq", name=op.f("uq_sync_feed_seq")),
    )
    with op.batch_alter_table("sync_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_feed_site_id"), ["site_id"], unique=False)
    op.create_table(
        "sync_receipts",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["auth_devices.id"], name=op.f("fk_sync_receipts_device_id_auth_devices")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["auth_users.id"], name=op.f("fk_sync_receipts_user_id_auth_users")
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_sync_receipts")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("kept_value", _JSON, nullable=True),
        sa.Column("kept_hlc", sa.String(length=128), nullable=True),
        sa.Column("lost_value", _JSON, nullable=True),
        sa.Column("lost_hlc", sa.String(length=128), nullable=False),
        sa.Column("lost_device_id", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Uuid(), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["auth_users.id"],
            name=op.f("fk_sync_conflicts_resolved_by_id_auth_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflicts_record_id"), ["record_id"])
        batch_op.create_index(batch_op.f("ix_sync_conflicts_site_id"), ["site_id"])
    op.bulk_insert(server, [{"id": 1, "epoch": uuid.uuid4().hex, "last_seq": 0}])


def downgrade():
    connection = op.get_bind()
    for table in _KEPT_TABLES:
        count = connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
        if count:
            raise RuntimeError(
                f"{table} holds {count} rows (sync merge state and conflicts); export or "
                "discard them deliberately before downgrading below 0003."
            )
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_conflicts_site_id"))
        batch_op.drop_index(batch_op.f("ix_sync_conflicts_record_id"))
    op.drop_table("sync_conflicts")
    op.drop_table("sync_receipts")
    with op.batch_alter_table("sync_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_feed_site_id"))
    op.drop_table("sync_feed")
    op.drop_table("sync_records")
    op.drop_table("sync_server")
