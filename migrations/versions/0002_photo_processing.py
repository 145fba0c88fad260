"""Photo processing: photo-inspection links (a photo may serve several inspections),
processing state and errors, pHash and reuse flags.

photos.inspection_id becomes rows of photos_inspection_links on upgrade and comes back from
them on downgrade. The downgrade refuses to run while a photo is linked to more than one
inspection (photos.inspection_id can hold only one): nothing is dropped silently. What it
does drop (pHash, processing times, attempts, errors and reuse flags) the photo job derives
again from the kept originals.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 02:22:45.101091

"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import server.db_types

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_photos = sa.table(
    "photos",
    sa.column("id", sa.Uuid()),
    sa.column("site_id", sa.Uuid()),
    sa.column("inspection_id", sa.Uuid()),
    sa.column("created_at", server.db_types.UtcDateTime()),
)
_links = sa.table(
    "photos_inspection_links",
    sa.column("id", sa.Uuid()),
    sa.column("site_id", sa.Uuid()),
    sa.column("inspection_id", sa.Uuid()),
    sa.column("photo_id", sa.Uuid()),
    sa.column("created_at", server.db_types.UtcDateTime()),
)


def upgrade():
    op.create_table(
        "photos_inspection_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("photo_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_photos_inspection_links_inspection_id_inspections"),
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photos.id"], name=op.f("fk_photos_inspection_links_photo_id_photos")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_photos_inspection_links_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos_inspection_links")),
        sa.UniqueConstraint(
            "inspection_id",
            "photo_id",
            name=op.f("uq_photos_inspection_links_inspection_id_photo_id"),
        ),
    )
    with op.batch_alter_table("photos_inspection_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_photos_inspection_links_inspection_id"), ["inspection_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_photos_inspection_links_photo_id"), ["photo_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_photos_inspection_links_site_id"), ["site_id"], unique=False
        )

    _copy_inspection_ids_to_links()

    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stored_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("phash", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("processing_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("processing_error", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("is_suspected_reuse", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("reused_of_photo_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("reuse_distance", sa.Integer(), nullable=True))
        batch_op.drop_index(batch_op.f("ix_photos_inspection_id"))
        batch_op.create_index(batch_op.f("ix_photos_status"), ["status"], unique=False)
        batch_op.drop_constraint(
            batch_op.f("fk_photos_inspection_id_inspections"), type_="foreignkey"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_photos_reused_of_photo_id_photos"),
            "photos",
            ["reused_of_photo_id"],
            ["id"],
        )
        batch_op.drop_column("inspection_id")

    # The defaults only filled existing rows; the models set these values from now on.
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.alter_column("processing_attempts", server_default=None)
        batch_op.alter_column("is_suspected_reuse", server_default=None)


def _copy_inspection_ids_to_links():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            _photos.c.id, _photos.c.site_id, _photos.c.inspection_id, _photos.c.created_at
        ).where(_photos.c.inspection_id.is_not(None))
    ).all()
    if rows:
        op.bulk_insert(
            _links,
            [
                {
                    "id": uuid.uuid4(),
                    "site_id": site_id,
                    "inspection_id": inspection_id,
                    "photo_id": photo_id,
                    "created_at": created_at or datetime.now(UTC),
                }
                for photo_id, site_id, inspection_id, created_at in rows
            ],
        )


def downgrade():
    _refuse_if_a_photo_has_several_inspections()

    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inspection_id", sa.Uuid(), nullable=True))
        batch_op.drop_constraint(
            batch_op.f("fk_photos_reused_of_photo_id_photos"), type_="foreignkey"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_photos_inspection_id_inspections"),
            "inspections",
            ["inspection_id"],
            ["id"],
        )
        batch_op.drop_index(batch_op.f("ix_photos_status"))
        batch_op.create_index(
            batch_op.f("ix_photos_inspection_id"), ["inspection_id"], unique=False
        )

    _copy_links_to_inspection_ids()

    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_column("reuse_distance")
        batch_op.drop_column("reused_of_photo_id")
        batch_op.drop_column("is_suspected_reuse")
        batch_op.drop_column("processing_error")
        batch_op.drop_column("processing_attempts")
        batch_op.drop_column("phash")
        batch_op.drop_column("processed_at")
        batch_op.drop_column("stored_at")

    with op.batch_alter_table("photos_inspection_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photos_inspection_links_site_id"))
        batch_op.drop_index(batch_op.f("ix_photos_inspection_links_photo_id"))
        batch_op.drop_index(batch_op.f("ix_photos_inspection_links_inspection_id"))

    op.drop_table("photos_inspection_links")


def _refuse_if_a_photo_has_several_inspections():
    shared = op.get_bind().scalar(
        sa.select(sa.func.count()).select_from(
            sa.select(_links.c.photo_id)
            .group_by(_links.c.photo_id)
            .having(sa.func.count() > 1)
            .subquery()
        )
    )
    if shared:
        raise RuntimeError(
            f"{shared} photos are attached to several inspections, which revision 0001 cannot "
            "hold (photos.inspection_id). Export photos_inspection_links first, then delete "
            "the extra links if you really want to downgrade."
        )


def _copy_links_to_inspection_ids():
    connection = op.get_bind()
    for photo_id, inspection_id in connection.execute(
        sa.select(_links.c.photo_id, _links.c.inspection_id)
    ).all():
        connection.execute(
            sa.update(_photos).where(_photos.c.id == photo_id).values(inspection_id=inspection_id)
        )
