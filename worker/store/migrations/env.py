"""Alembic environment: runs against the URL `worker.store.db.alembic_config` sets."""

from __future__ import annotations

from alembic import context

from worker.store.db import get_engine
from worker.store.models import Base

config = context.config


def run_migrations_online() -> None:
    engine = get_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
