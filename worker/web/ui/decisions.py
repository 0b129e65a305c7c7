"""Entscheidungen: every decision with type, outcome, clauses, evidence, actions and the note; filters."""

from __future__ import annotations

import re
from datetime import date
from math import ceil

from flask import Blueprint, abort, current_app, render_template, request

from worker.store.verdicts import verdicts_for
from worker.web import auth
from worker.web.ui import queries
from worker.web.ui.labels import OUTCOMES, REQUEST_TYPES
from worker.web.ui.sanitize import clean_html

decisions_bp = Blueprint("decisions", __name__)
decisions_bp.before_request(auth.require_login)


FILTER_KEYS = ("type", "outcome", "from", "to", "ticket")  # what a page link carries on (never `_method` & co.)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"[0-9]+")  # ASCII digits only: "²" and "٣" are no numbers here


def _date(value: str | None, what: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        abort(400, description=f"Ungültiges Datum „{what}“: erwartet wird JJJJ-MM-TT, z. B. 2026-10-31.")
    if not queries.MIN_DATE <= day <= queries.MAX_DATE:
        abort(
            400,
            description=f"Das Datum „{what}“ muss zwischen {queries.MIN_DATE:%d.%m.%Y} und "
            f"{queries.MAX_DATE:%d.%m.%Y} liegen.",
        )
    return day


def _int(value: str | None, what: str, highest: int) -> int | None:
    text = (value or "").strip().lstrip("#")
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        abort(400, description=f"Ungültige {what}: erlaubt sind nur die Ziffern 0–9.")
    digits = text.lstrip("0") or "0"  # int() refuses more than 4,300 digits, leading zeros included
    if len(digits) > len(str(highest)) or int(digits) > highest:
        abort(400, description=f"Diese {what} ist zu groß.")
    return int(digits)


def read_filter() -> queries.DecisionFilter:
    a = request.args
    return queries.DecisionFilter(
        request_type=a.get("type") if a.get("type") in REQUEST_TYPES else None,
        outcome=a.get("outcome") if a.get("outcome") in OUTCOMES else None,
        date_from=_date(a.get("from"), "von"),
        date_to=_date(a.get("to"), "bis"),
        ticket=_int(a.get("ticket"), "Ticketnummer", queries.MAX_TICKET_NUMBER),
        page=max(1, _int(a.get("page"), "Seitenzahl", queries.MAX_PAGE) or 1),
    )


def _links(numbers: list[int]) -> dict[int, str | None]:
    settings = current_app.config["SETTINGS"]
    app_urls = queries.groove_app_urls(settings.db_url, numbers)
    return {n: queries.ticket_url(settings.groove_app_url, n, app_urls.get(n)) for n in numbers}


@decisions_bp.get("/decisions")
def page():  # type: ignore[no-untyped-def]
    f = read_filter()
    rows, total = queries.list_decisions(current_app.config["SETTINGS"].db_url, f)
    args = {k: v for k in FILTER_KEYS if (v := request.args.get(k))}
    return render_template(
        "ui_decisions.html",
        rows=rows,
        total=total,
        f=f,
        args=args,
        pages=max(1, ceil(total / queries.PAGE_SIZE)),
        links=_links(sorted({r.ticket_number for r in rows})),
    )


@decisions_bp.get("/decisions/<int:decision_id>")
def detail(decision_id: int):  # type: ignore[no-untyped-def]
    rec, siblings = queries.get_decision(current_app.config["SETTINGS"].db_url, decision_id)
    if rec is None:
        abort(404, description="Diese Entscheidung gibt es nicht.")
    return render_template(
        "ui_decision.html",
        rec=rec,
        siblings=siblings,
        note=clean_html(rec.note),
        link=_links([rec.ticket_number])[rec.ticket_number],
        verdicts=verdicts_for(current_app.config["SETTINGS"].db_url, decision_id),
    )
