"""One-click links from the notes (assist mode): confirm, then apply or reject through the queue."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy.orm import selectinload

from worker.config import Settings
from worker.jobs.celery_app import REVIEW_TASK
from worker.store.db import session_scope
from worker.store.models import DecisionRecord
from worker.store.records import newer_decision_id
from worker.web.links import LinkError, read_token

actions_bp = Blueprint("actions", __name__)


# The name typed on the link page is whatever the clicker typed, not a login: it is recorded as such.
VIA_LINK = " (über Link)"
MAX_ACTOR = 120  # decisions.reviewed_by


def _load(decision_id: int) -> tuple[DecisionRecord | None, int | None]:
    """The decision and, when a newer decision of its ticket replaced it, that one's id."""
    settings: Settings = current_app.config["SETTINGS"]
    with session_scope(settings.db_url) as s:
        rec = s.get(DecisionRecord, decision_id, options=[selectinload(DecisionRecord.actions)])
        return rec, (newer_decision_id(s, rec) if rec is not None else None)


def _typed_name(raw: str | None) -> str:
    name = " ".join((raw or "").split())[: MAX_ACTOR - len(VIA_LINK)]
    return f"{name}{VIA_LINK}" if name else ""


def _out_of_date(rec: DecisionRecord, newer: int):  # type: ignore[no-untyped-def]
    text = (
        f"Dieser Link gehört zu Entscheidung {rec.id} von Ticket #{rec.ticket_number}. Für das Ticket gibt es "
        f"inzwischen eine neuere Entscheidung (Nr. {newer}); dieser Link ist nicht mehr aktuell und ändert nichts. "
        "Bitte die neueste Notiz im Ticket ansehen."
    )
    return render_template("message.html", title="Link nicht mehr aktuell", text=text), 409


@actions_bp.route("/decisions/<int:decision_id>/act/<token>", methods=["GET", "POST"])
def act(decision_id: int, token: str):  # type: ignore[no-untyped-def]
    settings: Settings = current_app.config["SETTINGS"]
    try:
        verb = read_token(settings, token, decision_id)
    except LinkError as e:
        return render_template("message.html", title="Link nicht nutzbar", text=str(e)), 403
    rec, newer = _load(decision_id)
    if rec is None:
        return render_template("message.html", title="Unbekannt", text="Diese Entscheidung gibt es nicht."), 404
    if newer is not None:  # only the ticket's current decision is carried out (the review task checks again)
        return _out_of_date(rec, newer)
    if request.method != "POST":  # GET, and HEAD even with a body: only a POST changes anything
        return render_template("act.html", rec=rec, verb=verb)
    actor = _typed_name(request.form.get("actor"))
    if not actor:
        return render_template("message.html", title="Name fehlt", text="Bitte gib deinen Namen an."), 400
    current_app.extensions["celery"].send_task(REVIEW_TASK, args=[decision_id, verb, actor, None])
    text = (
        "Die Änderungen werden jetzt angewendet; die Bestätigung erscheint gleich als Notiz im Ticket."
        if verb == "apply"
        else "Der Vorschlag wird abgelehnt; eine Notiz im Ticket hält das fest."
    )
    return render_template("message.html", title="Erledigt", text=text), 202
