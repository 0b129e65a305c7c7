"""The team's web UI (German): login, Warteschlange, Entscheidungen, OFD, Service-Kennzahlen, Probelauf.

Server-rendered Jinja pages and inline SVG charts; no JavaScript and nothing loaded from elsewhere.
Every page except the login needs a session (worker/web/auth.py); every form carries the CSRF token
that worker/web/csrf.py checks. The one-click link page (worker/web/actions.py) is not part of this:
its signed token authenticates it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, redirect, request, url_for

from worker.ops.redact import redact
from worker.web import auth
from worker.web.ui import labels


def _security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # The one-click links carry their token in the path: never send it on as a Referer.
        response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.blueprint in ("login", "queue", "decisions", "ofd", "service", "trial"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_ui(app: Flask) -> None:
    from worker.web.ui.decisions import decisions_bp
    from worker.web.ui.login import login_bp
    from worker.web.ui.ofd import ofd_bp
    from worker.web.ui.queue import queue_bp
    from worker.web.ui.service import service_bp
    from worker.web.ui.trial import trial_bp

    settings = app.config["SETTINGS"]
    app.config.update(
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.goodwill_session_hours),
        SESSION_COOKIE_SECURE=settings.goodwill_public_url.startswith("https://"),
        SESSION_COOKIE_NAME="goodwill_session",
    )
    for bp in (login_bp, queue_bp, decisions_bp, ofd_bp, service_bp, trial_bp):
        app.register_blueprint(bp)
    app.after_request(_security_headers)
    app.jinja_env.globals.update(current_user=auth.current_user, L=labels, label=labels.label)
    app.jinja_env.filters.update(
        dt=labels.fmt_datetime,
        d=labels.fmt_date,
        duration=labels.fmt_duration,
        redact=redact,  # error texts (worker/ops/redact.py)
    )

    @app.get("/")
    def index():  # type: ignore[no-untyped-def]
        return auth.require_login() or redirect(url_for("queue.page"))
