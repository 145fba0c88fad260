"""Drop the foreign keys and indexes an inspection paid for on every insert, for nothing.

Each inspection a push writes checked its site, template version, inspector and device
against their tables: each check is a lookup that also locks the referenced row, the same
site, version, user and device rows a hundred times per batch (a sixth of PostgreSQL's work
per push, measured). All four are checked when the inspection is recorded (the references
in the batch's own reads, the inspector and device from the signed-in device), and none is
ever deleted: sites, versions, users and devices are retired, not removed. The location,
asset, schedule and corrected inspection keep their keys (a location or asset can be
removed in the back office). Nothing looks inspections up by inspector or by template
version, so those two indexes go too. No data is touched; the downgrade restores all six.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 10:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# (column, referred table) of the foreign keys dropped.
DROPPED_KEYS = (
    ("site_id", "sites"),
    ("template_version_id", "checklists_template_versions"),
    ("inspector_id", "auth_users"),
    ("device_id", "auth_devices"),
)
DROPPED_INDEXES = ("inspector_id", "template_version_id")


def upgrade():
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        for column, table in DROPPED_KEYS:
            batch_op.drop_constraint(
                batch_op.f(f"fk_inspections_{column}_{table}"), type_="foreignkey"
            )
        for column in DROPPED_INDEXES:
            batch_op.drop_index(batch_op.f(f"ix_inspections_{column}"))


def downgrade():
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        for column in DROPPED_INDEXES:
            batch_op.create_index(batch_op.f(f"ix_inspections_{column}"), [column], unique=False)
        for column, table in DROPPED_KEYS:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_inspections_{column}_{table}"), table, [column], ["id"]
            )
