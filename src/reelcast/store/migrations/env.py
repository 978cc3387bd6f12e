"""Alembic environment: runs on the connection handed in by `reelcast.store.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from reelcast.store import all_models  # noqa: F401  (registers every table on Base.metadata)
from reelcast.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations on the given connection, or on a fresh one from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
