"""Probelauf: the reports of `goodwill trial` (kept in the data directory, worker/trial/reports.py). Leads and admins."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from worker.trial.reports import list_reports, report_html
from worker.web import auth

trial_bp = Blueprint("trial", __name__)
ROLES = ("lead", "admin")


@trial_bp.before_request
def _leads_only():  # type: ignore[no-untyped-def]
    refused = auth.require_login()
    if refused is not None:
        return refused
    user = auth.current_user()
    if user is None or user.role not in ROLES:
        abort(403, description="Probeläufe sehen nur Leads und Admins.")
    return None


@trial_bp.get("/probelauf")
def page():  # type: ignore[no-untyped-def]
    settings = current_app.config["SETTINGS"]
    return render_template("ui_trial.html", reports=list_reports(settings.data_dir))


@trial_bp.get("/probelauf/<name>")
def report(name: str):  # type: ignore[no-untyped-def]
    html = report_html(current_app.config["SETTINGS"].data_dir, name)
    if html is None:
        abort(404, description="Diesen Bericht gibt es nicht.")
    return html, 200, {"Content-Type": "text/html; charset=utf-8"}
