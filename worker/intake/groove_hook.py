"""`POST /webhooks/groove/<secret>`: authenticate, parse, store the inbox row, enqueue, answer 202."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from integrations.errors import InvalidPayload
from integrations.groove import parse_webhook
from worker.config import Settings
from worker.intake.edge import (
    GROOVE_MAX_BODY_BYTES,
    enqueue,
    is_json,
    read_body,
    reject,
    secret_ok,
    too_large_reason,
)
from worker.intake.inbox import PROCESSED_EVENTS, store_event
from worker.ops import metrics
from worker.store.models import InboxEvent, column_length

# Bounds of the inbox columns: a value beyond them is no Groove webhook, and storing it would fail
# on PostgreSQL (a 500, which Groove retries forever) — so it is refused with a 400 up front.
MAX_TICKET_NUMBER = 2**63 - 1  # inbox_events.ticket_number is a BIGINT
MAX_EVENT_CHARS = column_length(InboxEvent, "event")
MAX_MESSAGE_ID_CHARS = column_length(InboxEvent, "message_id")

hooks = Blueprint("hooks", __name__)


@hooks.post("/webhooks/groove/<secret>")
def groove_webhook(secret: str):  # type: ignore[no-untyped-def]
    if not secret_ok(secret):
        metrics.WEBHOOKS.labels(result="unauthorized").inc()
        return jsonify({"status": "not found"}), 404
    event = request.headers.get("X-Groove-Event", "").strip().lower()
    if not event:
        return reject(400, "missing X-Groove-Event header")
    if len(event) > MAX_EVENT_CHARS:
        return reject(400, "X-Groove-Event header too long")
    raw = read_body(GROOVE_MAX_BODY_BYTES)  # JSON whatever the Content-Type says (Groove sends a form type)
    if raw is None:
        return reject(413, too_large_reason(GROOVE_MAX_BODY_BYTES))
    ticket_number: int | None = None
    message_id: str | None = None
    try:
        try:
            hook = parse_webhook(event, raw)
        except RecursionError:  # a safety net: the parser refuses deep nesting itself
            raise InvalidPayload("body is nested too deeply") from None
        if hook.ticket_number > MAX_TICKET_NUMBER:
            raise InvalidPayload("ticket number out of range")
        if hook.message_id is not None and len(hook.message_id) > MAX_MESSAGE_ID_CHARS:
            raise InvalidPayload("message id too long")
        ticket_number, message_id = hook.ticket_number, hook.message_id
    except InvalidPayload as e:
        # Events we do not act on (customer_added, agent_invited …) need no ticket number;
        # they are still recorded, as long as the body is JSON at all.
        if event in PROCESSED_EVENTS or not is_json(raw):
            return reject(400, e.reason)
    settings: Settings = current_app.config["SETTINGS"]
    stored = store_event(settings.db_url, event=event, ticket_number=ticket_number, message_id=message_id, raw=raw)
    if stored.duplicate:
        metrics.WEBHOOKS.labels(result="duplicate").inc()
        return jsonify({"status": "duplicate", "inbox_id": stored.inbox_id}), 202
    if stored.status == "ignored":
        metrics.WEBHOOKS.labels(result="ignored").inc()
        return jsonify({"status": "ignored", "inbox_id": stored.inbox_id, "event": event}), 202
    enqueue(stored.inbox_id)
    metrics.WEBHOOKS.labels(result="accepted").inc()
    return jsonify({"status": "accepted", "inbox_id": stored.inbox_id}), 202
