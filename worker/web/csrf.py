"""CSRF protection for every form: a per-session token, checked on every unsafe request."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

SESSION_KEY = "_csrf"
EXEMPT_PREFIXES = ("/webhooks/", "/events/")  # machine endpoints authenticated by their URL secret


def csrf_token() -> str:
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return str(token)


def init_csrf(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def _check() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS") or request.path.startswith(EXEMPT_PREFIXES):
            return
        sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
        expected = session.get(SESSION_KEY) or ""
        if not expected or not hmac.compare_digest(str(sent), str(expected)):
            abort(400, description="CSRF-Token fehlt oder ist ungültig. Bitte die Seite neu laden.")
