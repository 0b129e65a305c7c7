"""`POST /events/usage-overrun/<secret>`: one customer's usage in one month (docs/fair-use.md).

Same edge as the Groove webhook: secret in the path (404 when wrong) → validate (400 with the
reason) → store inbox row + usage row, committed → enqueue → 202.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app, jsonify

from worker.bootstrap import TEAM_TZ
from worker.config import Settings
from worker.intake.edge import USAGE_MAX_BODY_BYTES, enqueue, read_body, reject, secret_ok, too_large_reason
from worker.intake.usage_reports import ReportError, current_month, parse_json, store_reports
from worker.ops import metrics

fair_use_bp = Blueprint("fair_use", __name__)


@fair_use_bp.post("/events/usage-overrun/<secret>")
def usage_overrun(secret: str):  # type: ignore[no-untyped-def]
    if not secret_ok(secret):
        metrics.WEBHOOKS.labels(result="unauthorized").inc()
        return jsonify({"status": "not found"}), 404
    raw = read_body(USAGE_MAX_BODY_BYTES)
    if raw is None:
        return reject(413, too_large_reason(USAGE_MAX_BODY_BYTES))
    try:
        report = parse_json(raw, current_month(datetime.now(TEAM_TZ)))
    except ReportError as e:
        return reject(400, str(e))
    settings: Settings = current_app.config["SETTINGS"]
    [stored] = store_reports(settings.db_url, [report], origin="api")
    body = {"inbox_id": stored.inbox_id, "customer": report.customer_key, "month": report.month}
    if stored.duplicate and stored.conflict:
        metrics.WEBHOOKS.labels(result="rejected").inc()
        return jsonify(
            {
                **body,
                "status": "conflict",
                "reason": f"customer {report.customer_key} {report.month} is already stored with other values",
            }
        ), 409
    if stored.duplicate:
        metrics.WEBHOOKS.labels(result="duplicate").inc()
        return jsonify({**body, "status": "duplicate"}), 202
    if stored.status == "ignored":
        # Within the limit: kept (it ends a run of overruns), no task to create.
        metrics.WEBHOOKS.labels(result="ignored").inc()
        return jsonify({**body, "status": "recorded", "over_limit": False}), 202
    enqueue(stored.inbox_id)
    metrics.WEBHOOKS.labels(result="accepted").inc()
    return jsonify({**body, "status": "accepted", "over_limit": True}), 202
