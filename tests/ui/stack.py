"""A full stack for browser and observability tests: sandbox + `goodwill web` + `goodwill worker` processes.

Embedded defaults (SQLite file + SQLite broker), the set-up `goodwill demo` uses; web and worker
share the data directory, so the web's /metrics also shows the worker's counters.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from tests.conftest import ROOT, free_port, wait_for_port
from tests.support import Sandbox, stop, wait_until
from worker.store.db import session_scope, upgrade
from worker.store.models import DecisionRecord

GROOVE_TOKEN = "stack-groove-token-5f1d0c2a9b"
AC_TOKEN = "stack-ac-token-7e3b94d10f"


class Stack:
    def __init__(
        self,
        tmp_path: Path,
        webhook_secret: str,
        *,
        worker_args: list[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.tmp = tmp_path
        self.secret = webhook_secret
        self.data = tmp_path / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.db_url = f"sqlite:///{(self.data / 'goodwill.sqlite').resolve()}"
        self.env = {
            "GOODWILL_DATA_DIR": str(self.data),
            "GROOVE_API_TOKEN": GROOVE_TOKEN,
            "AC_API_TOKEN": AC_TOKEN,
            "GROOVE_WEBHOOK_SECRET": webhook_secret,
            **(env or {}),
        }
        self.worker_args = worker_args or []
        self.logs = {"web": tmp_path / "web.log", "worker": tmp_path / "worker.log"}
        self.procs: list[subprocess.Popen[bytes]] = []
        self.sandbox = Sandbox()

    def __enter__(self) -> Stack:
        self.sandbox.__enter__()
        self.env["GROOVE_API_URL"] = f"{self.sandbox.url}/groove/v1"
        self.env["AC_API_URL"] = f"{self.sandbox.url}/ac/api/3"
        upgrade(self.db_url)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env["GOODWILL_PUBLIC_URL"] = self.url
        self.procs.append(_start(["web", "--port", str(self.port), "--workers", "1"], self.env, self.logs["web"]))
        self.procs.append(_start(["worker", "--concurrency", "2", *self.worker_args], self.env, self.logs["worker"]))
        wait_for_port(self.port, timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        for p in reversed(self.procs):
            stop(p)
        self.sandbox.__exit__(*exc)

    def goodwill(self, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
        env = {**_base_env(), **self.env}
        return subprocess.run(
            [sys.executable, "-m", "worker.cli", *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            env=env,
        )

    def webhook(self, event: str, body: dict[str, Any], secret: str | None = None) -> requests.Response:
        return requests.post(
            f"{self.url}/webhooks/groove/{secret or self.secret}",
            data=json.dumps(body),
            timeout=10,
            headers={"X-Groove-Event": event, "Content-Type": "application/x-www-form-urlencoded"},
        )

    def ticket_started(self, number: int, email: str, title: str) -> requests.Response:
        return self.webhook(
            "ticket_started",
            {
                "number": number,
                "title": title,
                "state": "unread",
                "links": {"customer": {"href": f"http://api.groovehq.com/v1/customers/{email}"}},
            },
        )

    def agent_replied(self, number: int, message_id: str) -> requests.Response:
        return self.webhook(
            "agent_replied",
            {
                "id": message_id,
                "note": False,
                "agent_response": True,
                "body": "<p>Danke, wir prüfen das.</p>",
                "links": {
                    "ticket": {"href": f"http://api.groovehq.com/v1/tickets/{number}"},
                    "author": {"href": "http://api.groovehq.com/v1/agents/agent@team.example"},
                },
            },
        )

    def decision(self, number: int, timeout: float = 90) -> DecisionRecord:
        def find() -> DecisionRecord | None:
            with session_scope(self.db_url) as s:
                return s.scalars(
                    select(DecisionRecord).where(
                        DecisionRecord.ticket_number == number, DecisionRecord.note_status == "posted"
                    )
                ).first()

        return wait_until(find, timeout=timeout, what=f"decision for ticket {number}")  # type: ignore[no-any-return]

    def notes(self, number: int) -> list[str]:
        return list(self.sandbox.state()["groove"]["notes"].get(str(number)) or [])

    def metrics(self) -> str:
        return requests.get(f"{self.url}/metrics", timeout=10).text


def _base_env() -> dict[str, str]:
    """This runner's environment without settings that would point the stack elsewhere."""
    skip = ("DATABASE_URL", "REDIS_URL", "PROMETHEUS_MULTIPROC_DIR", "LOG_LEVEL", "LOG_FORMAT", "GROOVE_APP_URL")
    return {k: v for k, v in os.environ.items() if k not in skip}


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A real `goodwill ...` process in its own session (tests.support.stop kills the whole tree)."""
    return subprocess.Popen(
        [sys.executable, "-m", "worker.cli", *args],
        env={**_base_env(), **env, "PYTHONUNBUFFERED": "1"},
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
