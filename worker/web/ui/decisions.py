"""Entscheidungen: every decision with type, outcome, clauses, evidence, actions and the note; filters."""

from __future__ import annotations

from datetime import date
from math import ceil

from flask import Blueprint, abort, current_app, render_template, request

from worker.web import auth
from worker.web.ui import queries
from worker.web.ui.labels import OUTCOMES, REQUEST_TYPES
from worker.web.ui.sanitize import clean_html

decisions_bp = Blueprint("decisions", __name__)
decisions_bp.before_request(auth.require_login)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    value = (value or "").strip().lstrip("#")
    return int(value) if value.isdigit() else None


def read_filter() -> queries.DecisionFilter:
    a = request.args
    return queries.DecisionFilter(
        request_type=a.get("type") if a.get("type") in REQUEST_TYPES else None,
        outcome=a.get("outcome") if a.get("outcome") in OUTCOMES else None,
        date_from=_date(a.get("from")),
        date_to=_date(a.get("to")),
        ticket=_int(a.get("ticket")),
        page=max(1, _int(a.get("page")) or 1),
    )


def _links(numbers: list[int]) -> dict[int, str | None]:
    settings = current_app.config["SETTINGS"]
    app_urls = queries.groove_app_urls(settings.db_url, numbers)
    return {n: queries.ticket_url(settings.groove_app_url, n, app_urls.get(n)) for n in numbers}


@decisions_bp.get("/decisions")
def page():  # type: ignore[no-untyped-def]
    f = read_filter()
    rows, total = queries.list_decisions(current_app.config["SETTINGS"].db_url, f)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
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
    )
