"""Alembic's environment for the gradebook: run by :func:`grader.gradebook.migrate.upgrade` on an
open connection (``config.attributes["connection"]``), or by the ``alembic`` command with
``-x url=...``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from grader.gradebook.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Migrate the connection handed in, else one opened on ``-x url=...``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(str(url))
    with engine.connect() as opened:
        context.configure(connection=opened, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
