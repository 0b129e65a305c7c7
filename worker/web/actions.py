"""One-click links from the notes (assist mode): confirm, then apply or reject through the queue."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy.orm import selectinload

from worker.config import Settings
from worker.jobs.celery_app import REVIEW_TASK
from worker.store.db import session_scope
from worker.store.models import DecisionRecord
from worker.web.links import LinkError, read_token

actions_bp = Blueprint("actions", __name__)


def _load(decision_id: int) -> DecisionRecord | None:
    settings: Settings = current_app.config["SETTINGS"]
    with session_scope(settings.db_url) as s:
        return s.get(DecisionRecord, decision_id, options=[selectinload(DecisionRecord.actions)])


@actions_bp.route("/decisions/<int:decision_id>/act/<token>", methods=["GET", "POST"])
def act(decision_id: int, token: str):  # type: ignore[no-untyped-def]
    settings: Settings = current_app.config["SETTINGS"]
    try:
        verb = read_token(settings, token, decision_id)
    except LinkError as e:
        return render_template("message.html", title="Link nicht nutzbar", text=str(e)), 403
    rec = _load(decision_id)
    if rec is None:
        return render_template("message.html", title="Unbekannt", text="Diese Entscheidung gibt es nicht."), 404
    if request.method == "GET":
        return render_template("act.html", rec=rec, verb=verb)
    actor = (request.form.get("actor") or "").strip()[:120]
    if not actor:
        return render_template("message.html", title="Name fehlt", text="Bitte gib deinen Namen an."), 400
    current_app.extensions["celery"].send_task(REVIEW_TASK, args=[decision_id, verb, actor, None])
    text = (
        "Die Änderungen werden jetzt angewendet; die Bestätigung erscheint gleich als Notiz im Ticket."
        if verb == "apply"
        else "Der Vorschlag wird abgelehnt; eine Notiz im Ticket hält das fest."
    )
    return render_template("message.html", title="Erledigt", text=text), 202
