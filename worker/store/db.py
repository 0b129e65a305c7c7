"""Engine and sessions. SQLite gets WAL and a busy timeout so web and worker can share the file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

T = TypeVar("T")

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


_ENGINES: list[Engine] = []


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    _ENGINES.append(engine)
    return engine


@lru_cache(maxsize=8)
def _autocommit_engine(url: str) -> Engine:
    """PostgreSQL in autocommit, without pre-ping: the webhook's hot path (see `idempotent_write`).

    Autocommit makes a one-statement write its own transaction, committed (WAL flushed, with
    synchronous_commit on as always) before the server answers: one round trip instead of BEGIN,
    INSERT, COMMIT — and the pre-ping would have been a fourth. Its own pool (sized like the shared
    one: enough for gunicorn's threads), so the rest of the app keeps pessimistic pre-ping. No
    rollback when a connection goes back to the pool: in autocommit there is nothing to roll back.
    """
    engine = create_engine(
        url, isolation_level="AUTOCOMMIT", pool_size=5, max_overflow=5, skip_autocommit_rollback=True
    )
    _ENGINES.append(engine)
    return engine


def _drop_inherited_connections() -> None:
    """In a forked child (gunicorn worker, Celery pool process): never reuse the parent's pooled
    connections. `goodwill web` migrates before gunicorn forks; without this both workers shared
    one PostgreSQL socket and intake answered 500 ("server closed the connection unexpectedly").
    dispose(close=False) drops them without writing to the socket the parent still owns."""
    for engine in _ENGINES:
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_drop_inherited_connections)


@lru_cache(maxsize=8)
def _factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A transaction: committed on success, rolled back on error."""
    session = _factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def _hot_path_connection(url: str) -> Iterator[Connection]:
    if url.startswith("sqlite"):
        # One writer at a time anyway; a plain transaction on the shared engine, committed on exit.
        with get_engine(url).begin() as conn:
            yield conn
    else:
        with _autocommit_engine(url).connect() as conn:
            yield conn


def idempotent_write(url: str, work: Callable[[Connection], T]) -> T:
    """Run `work` on a connection where each statement is committed when it returns (PostgreSQL:
    autocommit; SQLite: one transaction, committed at the end) — for short, idempotent writes
    on the hot path such as `INSERT ... ON CONFLICT DO NOTHING`.

    No pre-ping ("optimistic" disconnect handling, SQLAlchemy's pooling docs): a connection the
    server dropped (PostgreSQL restarted, backend terminated) fails on its first statement, which
    makes SQLAlchemy invalidate it and every older pooled connection; `work` then runs once more
    on a fresh one. Hence `work` must be safe to repeat: a statement that failed because the
    connection was gone may still have committed (the answer got lost), and the repeat then
    sees its own row.
    """
    try:
        with _hot_path_connection(url) as conn:
            return work(conn)
    except DBAPIError as e:
        if not e.connection_invalidated:
            raise
    with _hot_path_connection(url) as conn:
        return work(conn)


def alembic_config(url: str) -> Config:
    # Imported here: Alembic costs each worker process ~11 MB of RSS and only migrations need it.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)
