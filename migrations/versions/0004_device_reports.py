"""Devices report the unsynced work they hold (records, photos, drafts) and storage persistence.

The downgrade refuses to run while any device has a report: the report is how the back office
knows which phones still hold unsynced work, so it is not dropped silently. Clear the columns
deliberately (UPDATE auth_devices SET reported_at = NULL) to downgrade anyway.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("auth_devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unsynced_records", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unsynced_photos", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unsynced_drafts", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("is_storage_persisted", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    connection = op.get_bind()
    count = connection.execute(
        sa.text("SELECT COUNT(*) FROM auth_devices WHERE reported_at IS NOT NULL")
    ).scalar_one()
    if count:
        raise RuntimeError(
            f"{count} devices have reported unsynced work; clear auth_devices.reported_at "
            "deliberately before downgrading below 0004."
        )
    with op.batch_alter_table("auth_devices", schema=None) as batch_op:
        batch_op.drop_column("reported_at")
        batch_op.drop_column("is_storage_persisted")
        batch_op.drop_column("unsynced_drafts")
        batch_op.drop_column("unsynced_photos")
        batch_op.drop_column("unsynced_records")
