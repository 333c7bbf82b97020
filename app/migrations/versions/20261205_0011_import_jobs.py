"""imports run as jobs with progress: the commit's progress, cursor, committer and failure

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db  # noqa: F401

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


FK = "fk_import_batches_committed_by_id_users"


def upgrade() -> None:
    # ids are never reused: a rebuilt SQLite table keeps AUTOINCREMENT
    with op.batch_alter_table(
        "import_batches", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("progress", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("last_row_id", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("committed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("failure", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(FK, "users", ["committed_by_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    # ids are never reused: a rebuilt SQLite table keeps AUTOINCREMENT
    with op.batch_alter_table(
        "import_batches", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("failure")
        batch_op.drop_column("committed_by_id")
        batch_op.drop_column("last_row_id")
        batch_op.drop_column("progress")
