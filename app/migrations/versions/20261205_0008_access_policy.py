"""access policy: archiving instead of deleting

Enterprises get `archived_at`; demands may be `archived` (a status, no schema change); a
user's enterprise no longer cascades on delete, so deleting an enterprise can never take its
accounts with it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_users_enterprise_id_enterprises"


def upgrade() -> None:
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", app.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.create_foreign_key(FK, "enterprises", ["enterprise_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.create_foreign_key(
            FK, "enterprises", ["enterprise_id"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
