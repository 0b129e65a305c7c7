"""Test helpers: the sandbox in a thread, seeds, and real worker processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from werkzeug.serving import make_server

from integrations.sandbox import create_sandbox_app
from tests.procs import ROOT, free_port, start_goodwill, stop  # noqa: F401 - start_goodwill, stop re-exported


class Sandbox:
    """The project's Groove/AC sandbox served on a free loopback port for one test."""

    def __init__(self, **options: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, create_sandbox_app(**options), threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Sandbox:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()

    def seed(self, seed: dict[str, Any]) -> None:
        requests.post(f"{self.url}/_sandbox/seed", json=seed, timeout=10).raise_for_status()

    def state(self) -> dict[str, Any]:
        r = requests.get(f"{self.url}/_sandbox/state", timeout=10)
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]

    def faults(self, **changes: Any) -> dict[str, Any]:
        """Change the sandbox's faults while it runs (POST /_sandbox/faults, docs/sandbox.md)."""
        r = requests.post(f"{self.url}/_sandbox/faults", json=changes, timeout=10)
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]

    def customer_reply(self, number: int, body: str, attachments: list[str] | None = None) -> str:
        r = requests.post(
            f"{self.url}/_sandbox/tickets/{number}/customer_reply",
            json={"body": body, "attachments": attachments or []},
            timeout=10,
        )
        r.raise_for_status()
        data = r.json()
        # The sandbox answers {"message_id": …, "event": …, "webhook": …}.
        return str(data.get("message_id") or data.get("message", data).get("id"))


def ticket_seed(
    number: int,
    email: str,
    subject: str,
    body: str,
    *,
    fields: dict[str, str] | None = None,
    tags: list[str] | None = None,
    created_at: str = "2026-11-20T09:00:00Z",
    attachments: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "groove": {
            "tickets": [
                {
                    "number": number,
                    "subject": subject,
                    "customer_email": email,
                    "created_at": created_at,
                    "messages": [
                        {"body": body, "author": "customer", "created_at": created_at, "attachments": attachments or []}
                    ],
                }
            ]
        },
        "ac": {
            "contacts": [
                {"email": email, "firstName": email.split("@")[0].title(), "tags": tags or [], "fields": fields or {}}
            ]
        },
    }


def wait_until(predicate: Any, timeout: float, interval: float = 0.2, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout} s")


def reset_schema(db_url: str) -> None:
    """Drop every table (and Alembic's version row) so the next `upgrade` builds a fresh schema."""
    from worker.store.db import get_engine
    from worker.store.models import Base

    Base.metadata.drop_all(get_engine(db_url))
    with get_engine(db_url).begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@contextmanager
def running_stack(
    request: Any,
    tmp_path: Path,
    secret: str,
    *,
    redis_db: int,
    extra_env: dict[str, str] | None = None,
    concurrency: int = 2,
    sandbox_seed: dict[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """Sandbox + real `goodwill web` + real `goodwill worker`, on Redis+PostgreSQL or the embedded defaults.

    `request.param` is "redis+postgresql" or "embedded+sqlite" (a parametrized fixture's request);
    "redis+postgresql/threads" runs the worker with `--pool threads` instead of prefork.
    """
    from tests.conftest import free_port, wait_for_port
    from worker.store.db import upgrade

    env = {
        "GOODWILL_DATA_DIR": str(tmp_path / "data"),
        "GROOVE_API_TOKEN": "e2e-groove-token-0123456789",
        "AC_API_TOKEN": "e2e-ac-token-0123456789",
        "GROOVE_WEBHOOK_SECRET": secret,
        **(extra_env or {}),
    }
    shape, _, pool = str(request.param).partition("/")
    if shape == "redis+postgresql":
        import redis

        env["REDIS_URL"] = request.getfixturevalue("redis_url").rsplit("/", 1)[0] + f"/{redis_db}"
        env["DATABASE_URL"] = db_url = request.getfixturevalue("postgres_url")
        env["SECRET_KEY"] = f"session-key-{secret}"  # production refuses to start without one
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        reset_schema(db_url)
    else:
        db_url = f"sqlite:///{(tmp_path / 'data' / 'goodwill.sqlite').resolve()}"
        (tmp_path / "data").mkdir()
    with Sandbox() as sandbox:
        if sandbox_seed:  # before the worker starts: it checks the configured mailboxes against Groove's
            sandbox.seed(sandbox_seed)
        env["GROOVE_API_URL"] = f"{sandbox.url}/groove/v1"
        env["AC_API_URL"] = f"{sandbox.url}/ac/api/3"
        upgrade(db_url)
        port = free_port()
        web = start_goodwill(["web", "--port", str(port), "--workers", "1"], env, tmp_path / "web.log")
        worker = start_goodwill(
            ["worker", "--concurrency", str(concurrency), "--pool", pool or "prefork", "--loglevel", "INFO"],
            env,
            tmp_path / "worker.log",
        )
        try:
            wait_for_port(port, timeout=30)
            # The worker is up once its warm-up has read the AC field map (worker/bootstrap.py): tests
            # then start with a consuming worker instead of racing its start-up.
            wait_until(
                lambda: any(r["vendor"] == "ac" and r["path"].endswith("/fields") for r in sandbox.state()["requests"]),
                timeout=60,
                what="worker warm-up",
            )
            yield {
                "sandbox": sandbox,
                "url": f"http://127.0.0.1:{port}",
                "db_url": db_url,
                "env": env,
                "logs": [tmp_path / "web.log", tmp_path / "worker.log"],
            }
        finally:
            stop(worker)
            stop(web)
