"""`goodwill demo`: sandbox + web + worker on the embedded defaults, real HTTP webhooks in.

Everything runs as real processes talking HTTP, exactly as in production, except that the
broker is the embedded SQLite one and Groove/ActiveCampaign are the local sandbox.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import requests

from policies.pack.loader import load_pack

SAMPLES = Path(__file__).with_name("samples") / "demo.json"
PROCESS_TIMEOUT_S = 180


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path


def _resolve(value: str, today: date) -> str:
    """'today-12d' → an ISO date relative to the demo's run date."""
    m = re.fullmatch(r"today([+-]\d+)d", value)
    return (today + timedelta(days=int(m.group(1)))).isoformat() if m else value


def build_seed(samples: dict[str, Any], today: date, ac_fields: dict[str, str]) -> dict[str, Any]:
    tickets, contacts = [], []
    for t in samples["tickets"]:
        c = t["customer"]
        created = _resolve(t["created_at"], today)
        created_at = f"{created}T08:{t['number'] % 60:02d}:00Z"
        tickets.append(
            {
                "number": t["number"],
                "subject": t["subject"],
                "customer_email": c["email"],
                "customer_name": f"{c.get('firstName', '')} {c.get('lastName', '')}".strip(),
                "created_at": created_at,
                "messages": [
                    {
                        "body": t["body"],
                        "author": "customer",
                        "created_at": created_at,
                        "attachments": t.get("attachments", []),
                    }
                ],
            }
        )
        contacts.append(
            {
                "email": c["email"],
                "firstName": c.get("firstName", ""),
                "lastName": c.get("lastName", ""),
                "tags": c.get("tags", []),
                "fields": {ac_fields[k]: _resolve(v, today) for k, v in c.get("fields", {}).items()},
            }
        )
    return {"groove": {"tickets": tickets}, "ac": {"contacts": contacts}}


def webhook_body(ticket: dict[str, Any]) -> bytes:
    """A ticket_started body shaped like Groove's (the bare Ticket object; docs/sandbox.md)."""
    email = ticket["customer_email"]
    return json.dumps(
        {
            "number": ticket["number"],
            "title": ticket["subject"],
            "state": "unread",
            "priority": None,
            "summary": re.sub(r"<[^>]+>", " ", ticket["messages"][0]["body"])[:100],
            "customer_name": ticket["customer_name"],
            "assignee": None,
            "assigned_group": None,
            "tags": [],
            "tag_ids": [],
            "mailbox": "Inbox",
            "type": "Email",
            "created_at": ticket["created_at"].replace("T", " ").replace("Z", " +0000"),
            "links": {"customer": {"href": f"http://api.groovehq.com/v1/customers/{email}"}},
        },
        ensure_ascii=False,
    ).encode()


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def _start(name: str, args: list[str], env: dict[str, str], logs: Path) -> Proc:
    log = logs / f"{name}.log"
    fh = log.open("wb")
    popen = subprocess.Popen(
        [sys.executable, "-m", "worker.cli", *args],
        env=env,
        stdout=fh,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Proc(name, popen, log)


def _stop(procs: list[Proc]) -> None:
    for p in procs:
        if p.popen.poll() is None:
            os.killpg(p.popen.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.popen.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(p.popen.pid, signal.SIGKILL)


def _note_text(html: str) -> str:
    text = re.sub(r"<(br|/p|/li|/ul)\s*/?>", "\n", html)
    text = re.sub(r"<li>", "  • ", text)
    text = unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join("    " + line.strip() for line in text.splitlines() if line.strip())


def _interrupt(*_args: object) -> None:
    raise KeyboardInterrupt


def run_demo(*, keep: bool = False, port: int = 8000, data_dir: Path | None = None, out: Any = None) -> int:
    out = out or sys.stdout
    sandbox_port = port + 25
    for p in (port, sandbox_port):
        if not _free(p):
            print(f"goodwill demo: port {p} is in use (try --port)", file=sys.stderr)
            return 2
    data_dir = (data_dir or Path("data") / "demo").resolve()
    shutil.rmtree(data_dir, ignore_errors=True)
    (data_dir / "logs").mkdir(parents=True)
    pack = load_pack(os.environ.get("GOODWILL_POLICY_PACK") or "goodwill")
    today = datetime.now(UTC).date()
    seed = build_seed(json.loads(SAMPLES.read_text(encoding="utf-8")), today, pack.ac_fields)
    (data_dir / "seed.json").write_text(json.dumps(seed, ensure_ascii=False, indent=1), encoding="utf-8")
    secret = secrets.token_urlsafe(32)
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "GOODWILL_DATA_DIR": str(data_dir),
            "GROOVE_API_URL": f"{sandbox}/groove/v1",
            "GROOVE_API_TOKEN": "demo-groove-token",
            "AC_API_URL": f"{sandbox}/ac/api/3",
            "AC_API_TOKEN": "demo-ac-token",
            "GROOVE_WEBHOOK_SECRET": secret,
            "GOODWILL_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    logs = data_dir / "logs"
    procs: list[Proc] = []
    # SIGTERM (not only Ctrl-C) must also stop the sandbox, web and worker we started.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        procs.append(
            _start(
                "sandbox", ["sandbox", "--port", str(sandbox_port), "--seed", str(data_dir / "seed.json")], env, logs
            )
        )
        if subprocess.run(
            [sys.executable, "-m", "worker.cli", "db", "upgrade"], env=env, capture_output=True
        ).returncode:
            print("goodwill demo: database migration failed", file=sys.stderr)
            return 1
        procs.append(_start("web", ["web", "--port", str(port), "--workers", "1"], env, logs))
        procs.append(_start("worker", ["worker", "--concurrency", "2", "--loglevel", "WARNING"], env, logs))
        _wait_http(f"{sandbox}/_sandbox/state")
        _wait_http(f"http://127.0.0.1:{port}/healthz")
        print(
            f"Demo: {len(seed['groove']['tickets'])} Groove-Tickets gehen als Webhooks an "
            f"http://127.0.0.1:{port}/webhooks/groove/<secret> …",
            file=out,
        )
        for t in seed["groove"]["tickets"]:
            r = requests.post(
                f"http://127.0.0.1:{port}/webhooks/groove/{secret}",
                data=webhook_body(t),
                timeout=10,
                headers={"X-Groove-Event": "ticket_started", "Content-Type": "application/x-www-form-urlencoded"},
            )
            if r.status_code != 202:
                print(
                    f"goodwill demo: webhook for ticket {t['number']} answered {r.status_code}: {r.text}",
                    file=sys.stderr,
                )
                return 1
        ok = _report(data_dir, seed, sandbox, out)
        if keep:
            print(
                f"\nLäuft weiter (Strg-C beendet):\n  Web:     http://127.0.0.1:{port}/\n"
                f"  Webhook: http://127.0.0.1:{port}/webhooks/groove/{secret}\n"
                f"  Sandbox: {sandbox}/_sandbox/state\n  Logs:    {logs}",
                file=out,
            )
            while all(p.popen.poll() is None for p in procs):
                time.sleep(1)
        return 0 if ok else 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(procs)


def _report(data_dir: Path, seed: dict[str, Any], sandbox: str, out: Any) -> bool:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from worker.store.db import session_scope
    from worker.store.models import DecisionRecord, InboxEvent

    db_url = f"sqlite:///{data_dir / 'goodwill.sqlite'}"
    numbers = [t["number"] for t in seed["groove"]["tickets"]]
    deadline = time.monotonic() + PROCESS_TIMEOUT_S
    while True:
        with session_scope(db_url) as s:
            states = dict(s.execute(select(InboxEvent.ticket_number, InboxEvent.status)).all())
        if all(states.get(n) in ("done", "failed") for n in numbers):
            break
        if time.monotonic() > deadline:
            print(f"goodwill demo: not all tickets processed after {PROCESS_TIMEOUT_S} s: {states}", file=sys.stderr)
            return False
        time.sleep(0.3)
    state = requests.get(f"{sandbox}/_sandbox/state", timeout=10).json()
    notes = state["groove"]["notes"]
    all_ok = True
    with session_scope(db_url) as s:
        recs = {
            r.ticket_number: r
            for r in s.scalars(select(DecisionRecord).options(selectinload(DecisionRecord.actions))).all()
        }
        for n in numbers:
            r = recs.get(n)
            posted = notes.get(str(n), [])
            print(f"\n━━ Ticket #{n} ━━", file=out)
            if r is None:
                print(f"  FEHLER: nicht verarbeitet ({states.get(n)})", file=out)
                all_ok = False
                continue
            extra = f" → {r.alternative}" if r.alternative else f" → {r.escalate_to}" if r.escalate_to else ""
            print(
                f"  Anliegen: {r.request_type}{' (beleidigend)' if r.abusive else ''} · Ergebnis: {r.outcome}{extra}"
                f" · Klauseln: {', '.join(r.clauses)}",
                file=out,
            )
            changes = [f"{a.op} {a.tag or a.field}{'=' + a.value if a.value else ''} [{a.state}]" for a in r.actions]
            print(f"  ActiveCampaign: {'; '.join(changes) if changes else 'keine Änderung'}", file=out)
            print(f"  Notizen im Ticket: {len(posted)}", file=out)
            print(_note_text(posted[0] if posted else r.note), file=out)
            all_ok = all_ok and len(posted) == 1
    print(
        f"\n{'OK' if all_ok else 'FEHLER'}: {len(numbers)} Tickets, "
        f"{sum(len(notes.get(str(n), [])) for n in numbers)} Notizen in der Sandbox "
        f"(genau eine pro Ticket erwartet).",
        file=out,
    )
    return all_ok
