"""The verdict links of every note: "Stimmt" and "Stimmt nicht" (issue 15). No login: the signed token authenticates.

GET shows a page (for "Stimmt" a confirm button, for "Stimmt nicht" a short form: the right request type
and outcome, a comment); only the POST records the verdict (worker/store/verdicts.py). The name is
recorded as the person typed it.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from policies.render import labels as de
from policies.vocab import RequestType
from worker.config import Settings
from worker.store.db import session_scope
from worker.store.models import DecisionRecord
from worker.store.verdicts import AGREE, MAX_COMMENT, MAX_NAME, VerdictError, record_verdict
from worker.web.links import LinkError
from worker.web.verdict_links import read_token

verdicts_bp = Blueprint("verdicts", __name__)

# Fair use is never read from a ticket text: not a choice for the right request type.
TYPE_CHOICES = [(t, de.REQUEST_TYPE[t]) for t in RequestType if t != RequestType.FAIR_USE]
OUTCOME_CHOICES = list(de.OUTCOME_TITLE.items())


def _load(decision_id: int) -> DecisionRecord | None:
    settings: Settings = current_app.config["SETTINGS"]
    with session_scope(settings.db_url) as s:
        return s.get(DecisionRecord, decision_id)


def _page(rec: DecisionRecord, kind: str, error: str | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    response = current_app.make_response(
        (
            render_template(
                "verdict.html",
                rec=rec,
                kind=kind,
                de=de,
                types=TYPE_CHOICES,
                outcomes=OUTCOME_CHOICES,
                error=error,
                form=request.form,
                max_name=MAX_NAME,
                max_comment=MAX_COMMENT,
            ),
            status,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the token is in the URL
    return response


@verdicts_bp.route("/decisions/<int:decision_id>/verdict/<token>", methods=["GET", "POST"])
def verdict(decision_id: int, token: str):  # type: ignore[no-untyped-def]
    settings: Settings = current_app.config["SETTINGS"]
    try:
        kind = read_token(settings, token, decision_id)
    except LinkError as e:
        return render_template("message.html", title="Link nicht nutzbar", text=str(e)), 403
    rec = _load(decision_id)
    if rec is None:
        return render_template("message.html", title="Unbekannt", text="Diese Entscheidung gibt es nicht."), 404
    if request.method != "POST":  # GET and HEAD (Flask answers HEAD with this view) only show the page
        return _page(rec, kind)
    name = (request.form.get("name") or "")[:MAX_NAME] or None  # as typed
    comment = (request.form.get("comment") or "").strip()[:MAX_COMMENT] or None
    right_type = right_outcome = None
    if kind != AGREE:
        right_type, right_outcome = request.form.get("right_type"), request.form.get("right_outcome")
        if right_type not in dict(TYPE_CHOICES) or right_outcome not in dict(OUTCOME_CHOICES):
            return _page(rec, kind, "Bitte wähle das richtige Anliegen und das richtige Ergebnis.", 400)
    try:
        record_verdict(
            settings.db_url,
            decision_id,
            kind,
            source="link",
            right_type=right_type,
            right_outcome=right_outcome,
            comment=comment,
            name=name,
        )
    except VerdictError:
        return render_template("message.html", title="Unbekannt", text="Diese Entscheidung gibt es nicht."), 404
    return render_template(
        "message.html",
        title="Danke!",
        text=f"Dein Urteil „{de.VERDICT[kind]}“ zu Ticket #{rec.ticket_number} ist festgehalten.",
    ), 201
