"""Auto-replies (out-of-office, "automatische Antwort") never decide a ticket: the event is recorded as
ignored, with the reason (inbox status `ignored`, `ignore_reason`).

The message looked at is the one the event is about: the reply for `customer_replied`, the first
customer message for a new ticket. The reading itself is pure: policies/reading/autoreply.py.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import update

from integrations.groove import GrooveMessage
from policies.reading.autoreply import auto_reply
from policies.vocab import InboxStatus
from worker.store.db import session_scope
from worker.store.models import InboxEvent, utcnow

log = logging.getLogger("goodwill.pipeline")


def event_message(messages: Sequence[GrooveMessage], message_id: str | None) -> GrooveMessage | None:
    """The customer message an event is about (None: there is none)."""
    from_customer = [m for m in messages if m.from_customer and not m.note]
    if message_id is None:
        return from_customer[0] if from_customer else None
    found = next((m for m in messages if m.id == message_id), None)
    if found is not None:
        return found if found.from_customer and not found.note else None
    return from_customer[-1] if from_customer else None


def auto_reply_reason(messages: Sequence[GrooveMessage], message_id: str | None) -> str | None:
    """Why the event's message is an automatic reply (one line), or None."""
    message = event_message(messages, message_id)
    if message is None:
        return None
    found = auto_reply(message.body_html or message.plain_text, header=message.auto_submitted)
    return found.reason if found else None


def is_auto_reply(message: GrooveMessage) -> bool:
    return auto_reply(message.body_html or message.plain_text, header=message.auto_submitted) is not None


def record_ignored(db_url: str, inbox_id: int, reason: str) -> str:
    with session_scope(db_url) as s:
        s.execute(
            update(InboxEvent)
            .where(InboxEvent.id == inbox_id)
            .values(status=InboxStatus.IGNORED, ignore_reason=reason[:500], finished_at=utcnow(), last_error=None)
        )
    log.info("event ignored: %s", reason, extra={"inbox_id": inbox_id})
    return "ignored"
