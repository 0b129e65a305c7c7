"""Login and logout."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from worker import auth, metrics

login_bp = Blueprint("login", __name__)
log = logging.getLogger("goodwill.ui")


@login_bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    target = auth.safe_next(request.values.get("next")) or url_for("queue.page")
    if request.method == "GET":
        if auth.current_user() is not None:
            return redirect(target)
        return render_template("ui_login.html", next=target, email="")
    db_url = current_app.config["SETTINGS"].db_url
    email = (request.form.get("email") or "").strip()[:320]
    user = auth.authenticate(db_url, email, request.form.get("password") or "")
    if user is None:
        metrics.LOGINS.labels(result="refused").inc()
        log.warning("login refused")
        return render_template("ui_login.html", next=target, email=email,
                               error="E-Mail oder Passwort ist falsch."), 401
    auth.login_user(db_url, user)
    metrics.LOGINS.labels(result="ok").inc()
    log.info("login", extra={"user_id": user.id})
    return redirect(target)


@login_bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    auth.logout_user()
    return redirect(url_for("login.login"))
