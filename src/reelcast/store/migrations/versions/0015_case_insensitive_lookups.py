"""case-insensitive lookups through indexes: lower(users.handle), lower(users.display_name), lower(cameos.handle)

Revision ID: 0015_case_insensitive_lookups
Revises: 0002_social

Handles are matched case-insensitively (`lower(handle) = …`) and every generation's prompt check looks up the
display names it mentions (`lower(display_name) IN (…)`); without these expression indexes each of those
queries read every user (or cameo) row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_case_insensitive_lookups"
down_revision = "0002_social"
branch_labels = None
depends_on = None

INDEXES = (("ix_users_handle_lower", "users", "handle"), ("ix_users_display_name_lower", "users", "display_name"),
           ("ix_cameos_handle_lower", "cameos", "handle"))


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [sa.text(f"lower({column})")])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
