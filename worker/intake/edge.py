"""The edge both inbound hooks share (Groove webhooks, usage overruns): the secret in the path,
the body (with a Content-Length or chunked, up to the route's limit), a rejection with its reason,
and the hand-over of a stored inbox row to the queue.
"""

from __future__ import annotations

import hmac
import json
import logging
import time

from flask import current_app, jsonify, request

from worker.config import Settings
from worker.jobs.celery_app import PROCESS_TASK
from worker.ops import metrics

log = logging.getLogger("goodwill.web")

MiB = 1024 * 1024
# A Groove reply carries its inline images in the body (base64): a few MiB are ordinary, 25 MiB is
# beyond any mail Groove accepts. A usage report is one small JSON object. The UI keeps the app's
# 1 MiB (worker/app.py MAX_BODY_BYTES).
GROOVE_MAX_BODY_BYTES = 25 * MiB
USAGE_MAX_BODY_BYTES = 1 * MiB
_READ_CHUNK = 64 * 1024


def secret_ok(given: str) -> bool:
    settings: Settings = current_app.config["SETTINGS"]
    candidates = [settings.groove_webhook_secret, settings.groove_webhook_secret_previous]
    # compare_digest against every candidate (no early exit) so timing says nothing about which matched.
    results = [hmac.compare_digest(given.encode(), c.get_secret_value().encode()) for c in candidates if c]
    return any(results)


def reject(status: int, reason: str):  # type: ignore[no-untyped-def]
    metrics.WEBHOOKS.labels(result="rejected").inc()
    return jsonify({"status": "rejected", "reason": reason}), status


def too_large_reason(limit: int) -> str:
    return f"body larger than {limit} bytes ({limit // MiB} MiB)"


def read_body(limit: int) -> bytes | None:
    """The whole body, sent with a Content-Length or chunked (gunicorn hands a chunked body over as a
    terminated stream); None when it is larger than `limit` bytes. Reads at most `limit` + 1 bytes."""
    if request.content_length is not None and request.content_length > limit:
        return None
    # Werkzeug stops a terminated stream at max_content_length *silently* (a cut-off body): one byte
    # more than the limit is allowed through, so a body beyond it is seen, and refused, here.
    request.max_content_length = limit + 1
    stream = request.stream
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(_READ_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    return None


def is_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        return False
    return True


def enqueue(inbox_id: int) -> None:
    settings: Settings = current_app.config["SETTINGS"]
    # The embedded SQLite broker can be locked for a moment (a worker starting up creates its
    # tables): one more try then. Redis gets kombu's own connection retries and no second try,
    # so a Redis outage does not slow every webhook down.
    attempts = 2 if settings.embedded_broker else 1
    for attempt in range(attempts):
        try:
            current_app.extensions["celery"].send_task(PROCESS_TASK, args=[inbox_id])
            return
        except Exception:
            if attempt + 1 < attempts:
                time.sleep(0.5)
    log.warning("enqueue failed; the inbox sweeper will pick the event up", extra={"inbox_id": inbox_id})
