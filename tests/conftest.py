"""Shared fixtures: real Redis and PostgreSQL, started or found, never mocked.

Redis: TEST_REDIS_URL, else a private `redis-server` started on a free port for the session.
PostgreSQL: TEST_POSTGRES_URL, else the local server at 127.0.0.1:5432 (database `test`);
each test session works in a fresh database of its own.
With CI=true a missing server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.procs import ROOT, free_port, wait_for_port  # noqa: F401 - re-exported for the test modules

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing_service(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but is not available", pytrace=False)
    pytest.skip(f"{what} not available on this machine (see README: Tests)")


class RedisServer:
    """A private redis-server process (tests that kill and restart it need their own)."""

    def __init__(self, workdir: Path, *, appendonly: bool = False, port: int | None = None) -> None:
        self.port = port or free_port()
        self.workdir = workdir
        self.appendonly = appendonly
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        args = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.workdir),
            "--save",
            "",
            "--maxmemory-policy",
            "noeviction",
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--appendfsync",
            "everysec",
        ]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    if shutil.which("redis-server") is None:
        missing_service("redis-server")
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        import psycopg

        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3):
            pass
    except Exception as e:
        missing_service(f"PostgreSQL at {url.split('@')[-1]} ({type(e).__name__})")
    return url


@pytest.fixture(scope="session")
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A fresh database for this test session, dropped afterwards."""
    import psycopg

    name = f"goodwill_test_{uuid.uuid4().hex[:10]}"
    admin = postgres_admin_url.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = postgres_admin_url.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    try:
        yield url
    finally:
        from worker.store.db import get_engine

        get_engine(url).dispose()
        get_engine.cache_clear()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def webhook_secret() -> str:
    return secrets.token_urlsafe(32)


@pytest.fixture
def base_env(tmp_path: Path, webhook_secret: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A complete, valid environment for the worker on embedded defaults in a temp dir."""
    env = {
        "GOODWILL_DATA_DIR": str(tmp_path / "data"),
        "GROOVE_API_URL": "http://127.0.0.1:9/groove/v1",
        "GROOVE_API_TOKEN": "groove-test-token-0123456789",
        "GROOVE_WEBHOOK_SECRET": webhook_secret,
        "AC_API_URL": "http://127.0.0.1:9/ac/api/3",
        "AC_API_TOKEN": "ac-test-token-0123456789",
        # Required once a test points REDIS_URL or DATABASE_URL at a server (production); a test of the
        # embedded key file (tests/worker/test_config.py) removes it.
        "SECRET_KEY": secrets.token_urlsafe(32),
    }
    for k in ("DATABASE_URL", "REDIS_URL", "GOODWILL_POLICY_PACK"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database of each kind we support: a SQLite file, and a fresh schema on real PostgreSQL."""
    from tests.support import reset_schema
    from worker.store.db import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'goodwill.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
        reset_schema(url)
    upgrade(url)
    return url
