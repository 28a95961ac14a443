"""Engine and schema: SQLite file by default (WAL mode), PostgreSQL by URL.

The database URL comes from ``HEPATOBOARD_DATABASE_URL``; otherwise a SQLite file in the user's
data directory. The schema is created and upgraded with Alembic (:func:`migrate`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

ENV_URL = "HEPATOBOARD_DATABASE_URL"


def default_url() -> str:
    url = os.environ.get(ENV_URL)
    if url:
        return url
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("hepatoboard", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'hepatoboard.db'}"


def make_engine(url: str | None = None) -> Engine:
    url = url or default_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        # hide_parameters: SQL errors must never echo case content into logs
        # pool: one connection per worker thread (anyio's default limit is 40), so a burst of
        # requests waits on SQLite's write lock, never on an empty pool
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            pool_size=20,
            max_overflow=30,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            # Checkpoints (the fsync of the WAL into the database) would otherwise run inside
            # whichever request commits the 1000th page, stalling it; run them in the
            # background instead (start_checkpointer).
            cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.close()

        return engine
    return create_engine(
        url, pool_size=10, max_overflow=30, pool_pre_ping=True, hide_parameters=True
    )


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def start_checkpointer(engine: Engine, every_s: float = 2.0) -> None:
    """SQLite only: checkpoint the WAL from a daemon thread (PASSIVE never blocks writers)."""
    if engine.dialect.name != "sqlite":
        return
    import threading
    import time

    from sqlalchemy import text

    def loop() -> None:
        while True:
            time.sleep(every_s)
            try:
                with engine.connect() as conn:
                    conn.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))
            except Exception:
                continue

    threading.Thread(target=loop, name="sqlite-checkpointer", daemon=True).start()
