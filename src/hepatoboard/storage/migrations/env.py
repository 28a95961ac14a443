"""Alembic environment: runs on the connection handed over by hepatoboard.storage.db.migrate,
or on HEPATOBOARD_DATABASE_URL when run from the alembic command line."""

from __future__ import annotations

from alembic import context

from hepatoboard.storage.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    from hepatoboard.storage.db import make_engine

    with make_engine().begin() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
