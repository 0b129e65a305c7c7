"""Crash-safe mutual exclusion per ticket and per customer.

Two deliveries of work for the same ticket (a redelivered message and a sweeper re-enqueue, say)
must not both post a note. The lock dies with its holder, so a SIGKILLed worker never leaves one
behind: PostgreSQL advisory locks live on a connection; on SQLite (one machine by definition) a
kernel `flock` on a file does the same.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from worker.store.db import get_engine


class LockBusy(RuntimeError):
    """Someone else works on this key right now; try again shortly."""


def _key64(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def _pg_lock(db_url: str, key: str) -> Iterator[None]:
    k = _key64(key)
    with get_engine(db_url).connect() as conn:
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": k}).scalar():
            raise LockBusy(key)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": k})
            conn.commit()


@contextmanager
def _file_lock(lock_dir: Path, key: str) -> Iterator[None]:
    lock_dir.mkdir(parents=True, exist_ok=True)
    path = lock_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.lock"
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockBusy(key) from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


@contextmanager
def exclusive(db_url: str, data_dir: Path, key: str) -> Iterator[None]:
    if db_url.startswith("postgresql"):
        with _pg_lock(db_url, key):
            yield
    else:
        with _file_lock(data_dir / "locks", key):
            yield
