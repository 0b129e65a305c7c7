"""Flask app factory: the inbound hooks, the one-click and verdict links, the team's UI, /healthz and /metrics."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, ValidationError

from worker.config import Settings
from worker.intake.edge import reject, too_large_reason
from worker.intake.groove_hook import hooks
from worker.intake.usage_hook import fair_use_bp
from worker.jobs.celery_app import make_celery
from worker.ops import metrics
from worker.web.actions import actions_bp
from worker.web.csrf import init_csrf
from worker.web.ui import init_ui
from worker.web.verdicts import verdicts_bp

log = logging.getLogger("goodwill.web")
MAX_BODY_BYTES = 1024 * 1024  # the UI's forms; the two hooks set their own (worker/intake/edge.py)


def _metrics_token_ok(settings: Settings, authorization: str) -> bool:
    token = settings.goodwill_metrics_token
    if token is None:
        return True
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.get_secret_value().encode())


_GERMAN = {
    400: "Die Anfrage war ungültig.",
    403: "Kein Zugriff.",
    404: "Diese Seite gibt es nicht.",
    405: "Diese Aktion ist hier nicht möglich.",
}


class RowIdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits up to the largest INTEGER primary key (int4 on PostgreSQL).

    A larger id is no row: 404, never a database error.
    """

    regex = r"[0-9]+"
    MAX = 2**31 - 1

    def to_python(self, value: str) -> int:
        digits = value.lstrip("0") or "0"  # int() refuses more than 4,300 digits, leading zeros included
        if len(digits) > len(str(self.MAX)) or int(digits) > self.MAX:
            raise ValidationError()
        return int(digits)


def _json_errors(app: Flask) -> None:
    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_e: Exception):  # type: ignore[no-untyped-def]
        limit = request.max_content_length or MAX_BODY_BYTES
        if request.path.startswith(("/webhooks/", "/events/")):
            return reject(413, too_large_reason(limit))
        text = f"Die Anfrage ist zu groß (höchstens {limit // (1024 * 1024)} MiB)."
        return render_template("message.html", title="Fehler 413", text=text), 413

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith(("/webhooks/", "/events/")):
            return jsonify({"status": "error", "reason": e.description}), e.code
        if request.path in ("/metrics", "/healthz"):
            return e
        text = e.description if e.description != type(e).description else _GERMAN.get(e.code or 0, e.description)
        return render_template("message.html", title=f"Fehler {e.code}", text=text), e.code


def create_app(settings: Settings, *, celery: Any = None) -> Flask:
    app = Flask(__name__, template_folder="web/templates")
    app.config.update(
        SETTINGS=settings,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        SECRET_KEY=settings.flask_secret,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    app.extensions["celery"] = celery or make_celery(settings)
    if settings.goodwill_trusted_proxies:
        # Behind N proxies: request.remote_addr (login throttling, logs) is the client, not the proxy.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.goodwill_trusted_proxies)  # type: ignore[method-assign]
    app.register_blueprint(hooks)
    app.register_blueprint(actions_bp)
    app.register_blueprint(verdicts_bp)
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
