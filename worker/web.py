"""Flask app factory. The webhook view only authenticates, parses, stores, enqueues and answers 202."""
from __future__ import annotations

import hmac
import json
import logging
import time
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from integrations.errors import InvalidPayload
from integrations.groove import parse_webhook
from worker import metrics
from worker.celery_app import PROCESS_TASK, make_celery
from worker.config import Settings
from worker.csrf import init_csrf
from worker.views_actions import actions_bp
from worker.intake import PROCESSED_EVENTS, store_event
from worker.models import InboxEvent
from worker.ui import init_ui

log = logging.getLogger("goodwill.web")
MAX_BODY_BYTES = 1024 * 1024
# Bounds of the inbox columns: a value beyond them is no Groove webhook, and storing it would fail
# on PostgreSQL (a 500, which Groove retries forever) — so it is refused with a 400 up front.
MAX_TICKET_NUMBER = 2**63 - 1  # inbox_events.ticket_number is a BIGINT
MAX_EVENT_CHARS = InboxEvent.__table__.c.event.type.length
MAX_MESSAGE_ID_CHARS = InboxEvent.__table__.c.message_id.type.length

hooks = Blueprint("hooks", __name__)


def _secret_ok(given: str) -> bool:
    settings: Settings = current_app.config["SETTINGS"]
    candidates = [settings.groove_webhook_secret, settings.groove_webhook_secret_previous]
    # compare_digest against every candidate (no early exit) so timing says nothing about which matched.
    results = [hmac.compare_digest(given.encode(), c.get_secret_value().encode()) for c in candidates if c]
    return any(results)


def _reject(status: int, reason: str):  # type: ignore[no-untyped-def]
    metrics.WEBHOOKS.labels(result="rejected").inc()
    return jsonify({"status": "rejected", "reason": reason}), status


@hooks.post("/webhooks/groove/<secret>")
def groove_webhook(secret: str):  # type: ignore[no-untyped-def]
    if not _secret_ok(secret):
        metrics.WEBHOOKS.labels(result="unauthorized").inc()
        return jsonify({"status": "not found"}), 404
    event = request.headers.get("X-Groove-Event", "").strip().lower()
    if not event:
        return _reject(400, "missing X-Groove-Event header")
    if len(event) > MAX_EVENT_CHARS:
        return _reject(400, "X-Groove-Event header too long")
    raw = request.get_data(cache=False)  # JSON whatever the Content-Type says (Groove sends a form type)
    ticket_number: int | None = None
    message_id: str | None = None
    try:
        hook = parse_webhook(event, raw)
        if hook.ticket_number > MAX_TICKET_NUMBER:
            raise InvalidPayload("ticket number out of range")
        if hook.message_id is not None and len(hook.message_id) > MAX_MESSAGE_ID_CHARS:
            raise InvalidPayload("message id too long")
        ticket_number, message_id = hook.ticket_number, hook.message_id
    except InvalidPayload as e:
        # Events we do not act on (customer_added, agent_invited …) need no ticket number;
        # they are still recorded, as long as the body is JSON at all.
        if event in PROCESSED_EVENTS or not _is_json(raw):
            return _reject(400, e.reason)
    settings: Settings = current_app.config["SETTINGS"]
    stored = store_event(settings.db_url, event=event, ticket_number=ticket_number, message_id=message_id, raw=raw)
    if stored.duplicate:
        metrics.WEBHOOKS.labels(result="duplicate").inc()
        return jsonify({"status": "duplicate", "inbox_id": stored.inbox_id}), 202
    if stored.status == "ignored":
        metrics.WEBHOOKS.labels(result="ignored").inc()
        return jsonify({"status": "ignored", "inbox_id": stored.inbox_id, "event": event}), 202
    _enqueue(stored.inbox_id)
    metrics.WEBHOOKS.labels(result="accepted").inc()
    return jsonify({"status": "accepted", "inbox_id": stored.inbox_id}), 202


def _metrics_token_ok(settings: Settings, authorization: str) -> bool:
    token = settings.goodwill_metrics_token
    if token is None:
        return True
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.get_secret_value().encode())


def _is_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return False
    return True


def _enqueue(inbox_id: int) -> None:
    settings: Settings = current_app.config["SETTINGS"]
    # The embedded SQLite broker can be locked for a moment (a worker starting up creates its
    # tables): one more try then. Redis gets kombu's own connection retries and no second try,
    # so a Redis outage does not slow every webhook down.
    attempts = 2 if settings.embedded_broker else 1
    for attempt in range(attempts):
        try:
            current_app.extensions["celery"].send_task(PROCESS_TASK, args=[inbox_id])
            return
        except Exception:  # noqa: BLE001 - the row is committed; the sweeper enqueues it later
            if attempt + 1 < attempts:
                time.sleep(0.5)
    log.warning("enqueue failed; the inbox sweeper will pick the event up", extra={"inbox_id": inbox_id})


_GERMAN = {400: "Die Anfrage war ungültig.", 403: "Kein Zugriff.", 404: "Diese Seite gibt es nicht.",
           405: "Diese Aktion ist hier nicht möglich."}


def _json_errors(app: Flask) -> None:
    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_e: Exception):  # type: ignore[no-untyped-def]
        return _reject(413, f"body larger than {MAX_BODY_BYTES} bytes")

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith(("/webhooks/", "/events/")):
            return jsonify({"status": "error", "reason": e.description}), e.code
        if request.path in ("/metrics", "/healthz"):
            return e
        text = e.description if e.description != type(e).description else _GERMAN.get(e.code or 0, e.description)
        return render_template("message.html", title=f"Fehler {e.code}", text=text), e.code


def create_app(settings: Settings, *, celery: Any = None) -> Flask:
    app = Flask(__name__)
    app.config.update(SETTINGS=settings, MAX_CONTENT_LENGTH=MAX_BODY_BYTES, SECRET_KEY=settings.flask_secret,
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    app.extensions["celery"] = celery or make_celery(settings)
    if settings.goodwill_trusted_proxies:
        # Behind N proxies: request.remote_addr (login throttling, logs) is the client, not the proxy.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.goodwill_trusted_proxies)  # type: ignore[method-assign]
    app.register_blueprint(hooks)
    app.register_blueprint(actions_bp)
    from worker.fairuse_web import fair_use_bp  # imported here: it reuses this module's intake helpers

    app.register_blueprint(fair_use_bp)
    init_csrf(app)
    init_ui(app)
    _json_errors(app)

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"status": "ok"})

    @app.get("/metrics")
    def prometheus():  # type: ignore[no-untyped-def]
        if not _metrics_token_ok(settings, request.headers.get("Authorization", "")):
            return "unauthorized\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"', "Content-Type": "text/plain"}
        body, content_type = metrics.render(settings)
        return body, 200, {"Content-Type": content_type}

    return app
