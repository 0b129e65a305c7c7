"""The durable inbox: store a received event once, then hand its id to the queue.

Used by the webhook view and by `goodwill replay`; the sweeper re-enqueues what the queue lost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from policies.vocab import InboxStatus
from worker.store.db import idempotent_write, session_scope
from worker.store.models import InboxEvent, utcnow

# Events that (re)decide a ticket. Everything else is recorded as ignored.
PROCESSED_EVENTS = frozenset({"ticket_started", "customer_replied"})

# A body up to this size is stored as it came. A larger one (a reply with inline images: up to the
# hook's 25 MiB) is stored as the fields read after the webhook: the worker reads only the row's
# columns (event, ticket number, message id) and fetches ticket and messages from Groove; the UI
# reads Groove's link to the ticket (`app_url` / `app_ticket_url`).
MAX_STORED_PAYLOAD_BYTES = 256 * 1024
KEPT_FIELDS = ("number", "ticket_number", "id", "href", "note", "state", "type", "created_at", "updated_at",
               "app_url", "app_ticket_url")  # fmt: skip
_KEPT_TEXT_CHARS = 2000


@dataclass(frozen=True)
class Stored:
    inbox_id: int
    duplicate: bool
    status: str


def dedup_key(event: str, ticket_number: int | None, message_id: str | None, raw: bytes) -> str:
    """Groove sends no delivery id: a ticket start is unique per ticket, a reply per message."""
    if event == "ticket_started" and ticket_number is not None:
        return f"groove:ticket_started:{ticket_number}"
    if message_id:
        return f"groove:{event}:{ticket_number}:{message_id}"
    return f"groove:{event}:{ticket_number}:{hashlib.sha256(raw).hexdigest()[:32]}"


def _scalar(value: object) -> bool:
    return isinstance(value, (int, float, bool)) or (isinstance(value, str) and len(value) <= _KEPT_TEXT_CHARS)


def stored_payload(raw: bytes) -> str:
    """What the inbox keeps of a body: the body itself, or, when large, only the fields read later
    (plus its size and SHA-256, so the row still says what came) — never the whole raw body."""
    if len(raw) <= MAX_STORED_PAYLOAD_BYTES:
        return raw.decode("utf-8", "replace")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        data = None
    kept: dict[str, object] = {"truncated_bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    if isinstance(data, Mapping):
        kept.update((k, data[k]) for k in KEPT_FIELDS if _scalar(data.get(k)))
        for parent in ("links", "ticket"):
            inner = data.get(parent)
            ticket = inner.get("ticket") if parent == "links" and isinstance(inner, Mapping) else inner
            if isinstance(ticket, Mapping):
                fields = {k: ticket[k] for k in ("number", "href") if _scalar(ticket.get(k))}
                if fields:
                    kept[parent] = {"ticket": fields} if parent == "links" else fields
    return json.dumps(kept, ensure_ascii=False)


def store_event(
    db_url: str, *, event: str, ticket_number: int | None, message_id: str | None, raw: bytes, source: str = "groove"
) -> Stored:
    """Insert and COMMIT the event. A second delivery of the same event is reported as a duplicate.

    An event to process is stored as `queued` straight away (one statement on the hot path): the
    enqueue follows the commit, and if the broker loses or never gets the message, the sweeper
    re-enqueues the row all the same.

    One Core `INSERT ... ON CONFLICT (dedup_key) DO NOTHING RETURNING id`, committed on its own
    (`idempotent_write`): no unit of work, no IntegrityError round trip for a redelivery — only a
    duplicate costs a second statement, to read the stored row. A concurrent delivery of the same
    key waits for the first one's commit inside PostgreSQL and then finds its row.
    """
    key = dedup_key(event, ticket_number, message_id, raw)
    processed = event in PROCESSED_EVENTS
    status = InboxStatus.QUEUED if processed else InboxStatus.IGNORED
    now = utcnow()
    row = {
        "dedup_key": key,
        "source": source,
        "event": event,
        "ticket_number": ticket_number,
        "message_id": message_id,
        "payload": stored_payload(raw),
        "status": status,
        "attempts": 0,
        "received_at": now,
        "updated_at": now,
        "enqueued_at": now if processed else None,
    }
    insert = _INSERT_NEW["sqlite" if db_url.startswith("sqlite") else "postgresql"]

    def work(conn: Connection) -> Stored:
        # Safe to repeat (idempotent_write may): a repeat after a lost answer finds its own row as a "duplicate";
        # its status is still `queued`, so the sweeper enqueues it if this request does not.
        inserted = conn.execute(insert, row).scalar()
        if inserted is not None:
            return Stored(inserted, False, status)
        existing = conn.execute(_FIND_BY_KEY, {"key": key}).one()
        return Stored(existing.id, True, existing.status)

    return idempotent_write(db_url, work)


# Built once: the statements are the same for every webhook, only the parameters change.
_INSERT_NEW = {
    name: dialect_insert(InboxEvent)
    .on_conflict_do_nothing(index_elements=[InboxEvent.dedup_key])
    .returning(InboxEvent.id)
    for name, dialect_insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}
_FIND_BY_KEY = select(InboxEvent.id, InboxEvent.status).where(InboxEvent.dedup_key == bindparam("key"))


def stale_event_ids(db_url: str, older_than_seconds: int, limit: int = 500) -> list[int]:
    """Events received or queued but not finished: their queue message may be lost."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    with session_scope(db_url) as s:
        return list(
            s.scalars(
                select(InboxEvent.id)
                .where(
                    InboxEvent.status.in_((InboxStatus.RECEIVED, InboxStatus.QUEUED, InboxStatus.PROCESSING)),
                    InboxEvent.updated_at < cutoff,
                )
                .order_by(InboxEvent.id)
                .limit(limit)
            )
        )


def touch(db_url: str, ids: list[int]) -> None:
    """Reset the staleness clock of re-enqueued rows so the next sweep does not enqueue them again at once."""
    if not ids:
        return
    with session_scope(db_url) as s:
        s.execute(update(InboxEvent).where(InboxEvent.id.in_(ids)).values(updated_at=utcnow(), enqueued_at=utcnow()))


def reset_for_replay(db_url: str, inbox_ids: list[int]) -> list[int]:
    """Put failed (or stuck) events back to `queued`; done events are left alone."""
    with session_scope(db_url) as s:
        rows = s.scalars(
            select(InboxEvent).where(
                InboxEvent.id.in_(inbox_ids), or_(InboxEvent.status != InboxStatus.DONE, InboxEvent.status.is_(None))
            )
        ).all()
        for r in rows:
            if r.status != InboxStatus.IGNORED:
                r.status = InboxStatus.QUEUED
                r.last_error = None
        return [r.id for r in rows if r.status == InboxStatus.QUEUED]
