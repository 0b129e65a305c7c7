"""Login and logout."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from worker.config import Settings
from worker.ops import metrics
from worker.web import auth
from worker.web.login_throttle import Lockout, LoginThrottle

login_bp = Blueprint("login", __name__)
log = logging.getLogger("goodwill.ui")


def throttle() -> LoginThrottle:
    """One per app, built from its settings on first use (tests put their own in, with a fake clock)."""
    found = current_app.extensions.get("login_throttle")
    if found is None:
        settings: Settings = current_app.config["SETTINGS"]
        found = LoginThrottle(
            db_url=settings.db_url,
            secret=settings.flask_secret,
            max_per_email=settings.login_max_failures_per_email,
            max_per_address=settings.login_max_failures_per_address,
            lockout=timedelta(minutes=settings.login_lockout_minutes),
        )
        current_app.extensions["login_throttle"] = found
    return found


def _locked_message(lockout: Lockout) -> str:
    minutes = "1 Minute" if lockout.minutes == 1 else f"{lockout.minutes} Minuten"
    return f"Zu viele fehlgeschlagene Anmeldungen. Bitte in {minutes} erneut versuchen."


@login_bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    target = auth.safe_next(request.values.get("next")) or url_for("queue.page")
    if request.method != "POST":  # GET, and HEAD even with a body: only a POST logs in
        if auth.current_user() is not None:
            return redirect(target)
        return render_template("ui_login.html", next=target, email="")
    db_url = current_app.config["SETTINGS"].db_url
    email = (request.form.get("email") or "").strip()[:320]
    attempt = throttle().begin(email, request.remote_addr)
    if attempt.lockout is not None:
        # Refused before the password is looked at: a right guess during the lockout tells nothing.
        metrics.LOGINS.labels(result="locked").inc()
        log.warning(
            "login locked",
            extra={
                "scope": attempt.lockout.scope,
                "email_key": attempt.email_key[:12],
                "address": attempt.address,
                "retry_after": attempt.lockout.seconds,
            },
        )
        return (
            render_template("ui_login.html", next=target, email=email, error=_locked_message(attempt.lockout)),
            429,
            {"Retry-After": str(attempt.lockout.seconds)},
        )
    user = auth.authenticate(db_url, email, request.form.get("password") or "")
    if user is None:
        metrics.LOGINS.labels(result="refused").inc()
        log.warning("login refused")
        return render_template("ui_login.html", next=target, email=email, error="E-Mail oder Passwort ist falsch."), 401
    throttle().succeeded(attempt)
    auth.login_user(db_url, user)
    metrics.LOGINS.labels(result="ok").inc()
    log.info("login", extra={"user_id": user.id})
    return redirect(target)


@login_bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    auth.logout_user()
    return redirect(url_for("login.login"))
