"""Fixtures for the fault suite: a fresh PostgreSQL database, a private redis-server and the
sandbox per test, so killing and restarting things never touches anybody else's servers."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from integrations.sandbox import start_sandbox
from tests.conftest import RedisServer, missing_service
from tests.faults.harness import Stack


@pytest.fixture
def fresh_db(postgres_admin_url: str) -> Iterator[str]:
    import psycopg

    from worker.store.db import get_engine, upgrade

    name = f"goodwill_fault_{uuid.uuid4().hex[:10]}"
    admin = postgres_admin_url.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{postgres_admin_url.rsplit('/', 1)[0]}/{name}"
    upgrade(url)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        missing_service("redis-server")
    server = RedisServer(tmp_path / "redis", appendonly=True).start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def stack(
    request: pytest.FixtureRequest, tmp_path: Path, fresh_db: str, private_redis: RedisServer, webhook_secret: str
) -> Iterator[Stack]:
    marker = request.node.get_closest_marker("sandbox")  # e.g. @pytest.mark.sandbox(latency_ms=20)
    sandbox = start_sandbox(**(marker.kwargs if marker else {}))
    st = Stack(tmp=tmp_path, redis=private_redis, db_url=fresh_db, sandbox=sandbox, secret=webhook_secret)
    try:
        yield st
    finally:
        st.stop_all()
        sandbox.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sandbox(**options): options for the fault suite's sandbox (latency_ms, ...)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every fault test starts real processes: give them generous but bounded time.
    for item in items:
        if "tests/faults" in str(item.fspath) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(900 if item.get_closest_marker("slow") else 120))
