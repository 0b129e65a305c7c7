"""OFD ("Offene Fragen Dokument"): escalated cases and approvals waiting for a person.

Approving or denying sends the review task — the same exactly-once path as the one-click links
(worker/triage/review.py carry_out) — which applies or rejects the proposal and posts a follow-up note.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from worker.jobs.celery_app import REVIEW_TASK
from worker.ops import metrics
from worker.web import auth
from worker.web.ui import queries
from worker.web.ui.sanitize import clean_html

ofd_bp = Blueprint("ofd", __name__)
ofd_bp.before_request(auth.require_login)
log = logging.getLogger("goodwill.ui")
MAX_COMMENT = 2000


@ofd_bp.get("/ofd")
def page():  # type: ignore[no-untyped-def]
    settings = current_app.config["SETTINGS"]
    cases, total = queries.open_reviews(settings.db_url)
    numbers = sorted({c.ticket_number for c in cases})
    app_urls = queries.groove_app_urls(settings.db_url, numbers)
    links = {n: queries.ticket_url(settings.groove_app_url, n, app_urls.get(n)) for n in numbers}
    return render_template(
        "ui_ofd.html",
        cases=cases,
        notes={c.id: clean_html(c.note) for c in cases},
        links=links,
        recent=queries.recent_reviews(settings.db_url),
        total=total,
    )


@ofd_bp.post("/ofd/<int:decision_id>")
def decide(decision_id: int):  # type: ignore[no-untyped-def]
    settings = current_app.config["SETTINGS"]
    user = auth.current_user()
    assert user is not None
    verb = request.form.get("verb")
    comment = (request.form.get("comment") or "").strip()[:MAX_COMMENT]
    rec = queries.is_open_review(settings.db_url, decision_id)
    if verb not in ("apply", "reject"):
        flash("Unbekannte Aktion.", "error")
        return redirect(url_for("ofd.page")), 303
    if rec is None:
        newer = queries.replaced_by(settings.db_url, decision_id)
        if newer is not None:  # only the ticket's current decision is carried out (the review task checks again)
            flash(
                f"Entscheidung {decision_id} ist nicht mehr aktuell: für das Ticket gibt es eine neuere "
                f"Entscheidung (Nr. {newer}). Es wurde nichts geändert.",
                "error",
            )
        else:
            flash(f"Entscheidung {decision_id} ist nicht (mehr) offen.", "error")
        return redirect(url_for("ofd.page")), 303
    if not user.may_decide(rec.outcome, rec.escalate_to):
        flash("Diesen Fall entscheidet die benannte Stelle (Head of CH / Lead); du kannst ihn nur ansehen.", "error")
        return redirect(url_for("ofd.page")), 303
    if verb == "reject" and not comment:
        flash("Bitte begründe die Ablehnung in einem Kommentar (er erscheint in der Notiz im Ticket).", "error")
        return redirect(url_for("ofd.page") + f"#case-{decision_id}"), 303
    current_app.extensions["celery"].send_task(REVIEW_TASK, args=[decision_id, verb, user.name, comment or None, "ofd"])
    metrics.REVIEWS.labels(verb=verb, via="ofd").inc()
    log.info(
        "review sent", extra={"decision_id": decision_id, "ticket": rec.ticket_number, "verb": verb, "user_id": user.id}
    )
    flash(
        f"Ticket #{rec.ticket_number}: {'Freigabe' if verb == 'apply' else 'Ablehnung'} wird ausgeführt; "
        "die Notiz erscheint gleich im Ticket."
    )
    return redirect(url_for("ofd.page")), 303
