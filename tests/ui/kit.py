"""Helpers for the UI tests: users, logged-in clients, seeded rows, tasks sent to the embedded broker."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import create_engine, inspect, text

from worker.store.db import session_scope
from worker.store.models import ActionRecord, DecisionRecord, InboxEvent
from worker.web.auth import add_user

PASSWORD = "ein-langes-passwort-42"
USERS = {
    "agent": ("anna.agent@team.example", "Anna Agent", "agent", None),
    "lead": ("hanna.head@team.example", "Hanna Head", "lead", None),
    "coachlead": ("carl.coach@team.example", "Carl Coach", "lead", "coach_leads"),
    "admin": ("olaf.ops@team.example", "Olaf Ops", "admin", None),
}


def make_users(db_url: str) -> dict[str, str]:
    for email, name, role, targets in USERS.values():
        add_user(db_url, email=email, name=name, password=PASSWORD, role=role, targets=targets)
    return {k: v[0] for k, v in USERS.items()}


def csrf_from(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def login(client: Any, who: str, password: str = PASSWORD) -> Any:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": USERS[who][0], "password": password, "csrf_token": token})


def page_token(client: Any, path: str) -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


def seed_decision(
    db_url: str,
    number: int,
    *,
    request_type: str = "program_return",
    outcome: str = "approve",
    escalate_to: str | None = None,
    actions: list[dict[str, Any]] | None = None,
    created_at: datetime | None = None,
    note: str = "<p><b>Kulanz-Check</b> Notiz</p>",
    mode: str = "auto",
    app_url: str | None = None,
    event: str = "ticket_started",
    message_id: str | None = None,
    note_status: str = "posted",
) -> int:
    created_at = created_at or datetime.now(UTC)
    payload: dict[str, Any] = {"number": number}
    if app_url:
        payload["app_url"] = app_url
    with session_scope(db_url) as s:
        inbox = InboxEvent(
            dedup_key=f"groove:{event}:{number}:{message_id or created_at.isoformat()}",
            event=event,
            ticket_number=number,
            message_id=message_id,
            payload=json.dumps(payload),
            status="done",
            received_at=created_at,
            finished_at=created_at,
        )
        s.add(inbox)
        s.flush()
        rec = DecisionRecord(
            inbox_event_id=inbox.id,
            ticket_number=number,
            customer_email=f"kunde{number}@example.org",
            request_type=request_type,
            outcome=outcome,
            escalate_to=escalate_to,
            clauses=["K-TEST"],
            evidence=[{"label": request_type, "text": f"Zitat {number}"}],
            facts={},
            output={},
            note=note,
            note_status=note_status,
            fingerprint=f"fp-{number}-{outcome}",
            mode=mode,
            pack_id="goodwill",
            pack_version="test",
            decided_on=date.today(),
            created_at=created_at,
        )
        s.add(rec)
        s.flush()
        for i, a in enumerate(actions or []):
            s.add(
                ActionRecord(
                    decision_id=rec.id,
                    idempotency_key=f"{rec.id}:{i}",
                    system="activecampaign",
                    op=a.get("op", "add_tag"),
                    tag=a.get("tag"),
                    field=a.get("field"),
                    value=a.get("value"),
                    state=a.get("state", "done"),
                )
            )
        return rec.id


def sent_tasks(broker_url: str) -> list[tuple[str, list[Any]]]:
    """(task name, args) of every message waiting in the embedded broker (kombu's SQLAlchemy tables)."""
    engine = create_engine(broker_url.replace("sqla+", ""))
    if not inspect(engine).has_table("kombu_message"):
        return []
    out = []
    with engine.connect() as conn:
        for (payload,) in conn.execute(text("SELECT payload FROM kombu_message WHERE visible = 1 ORDER BY id")):
            msg = json.loads(payload)
            body = msg["body"]
            if msg.get("properties", {}).get("body_encoding") == "base64":
                body = base64.b64decode(body).decode()
            args = json.loads(body)[0]
            out.append((msg["headers"]["task"], args))
    engine.dispose()
    return out
