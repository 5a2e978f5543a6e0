"""Alembic environment: runs on the connection :class:`mesocare.store.Database` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from mesocare.store.models import Base
from mesocare.store.models_learning import mapped_name

config = context.config
target_metadata = Base.metadata


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is None:  # the alembic command line, on the URL of the config
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as c:
            context.configure(
                connection=c,
                target_metadata=target_metadata,
                render_as_batch=True,
                include_name=mapped_name,
            )
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(
        connection=conn,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=mapped_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
