"""The edge both inbound hooks share (Groove webhooks, usage overruns): the secret in the path,
a rejection with its reason, and the hand-over of a stored inbox row to the queue.
"""

from __future__ import annotations

import hmac
import json
import logging
import time

from flask import current_app, jsonify

from worker.config import Settings
from worker.jobs.celery_app import PROCESS_TASK
from worker.ops import metrics

log = logging.getLogger("goodwill.web")


def secret_ok(given: str) -> bool:
    settings: Settings = current_app.config["SETTINGS"]
    candidates = [settings.groove_webhook_secret, settings.groove_webhook_secret_previous]
    # compare_digest against every candidate (no early exit) so timing says nothing about which matched.
    results = [hmac.compare_digest(given.encode(), c.get_secret_value().encode()) for c in candidates if c]
    return any(results)


def reject(status: int, reason: str):  # type: ignore[no-untyped-def]
    metrics.WEBHOOKS.labels(result="rejected").inc()
    return jsonify({"status": "rejected", "reason": reason}), status


def is_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
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
