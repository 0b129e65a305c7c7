"""Service-Kennzahlen (seed 003): response time, volume per request type and week (FAQ candidates), outcomes;
and per request type the readiness for auto mode (agreement with the team's verdicts, worker/store/verdicts.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from worker.store import verdicts
from worker.web import auth
from worker.web.ui import queries
from worker.web.ui.charts import Series, bar_chart, palette, share_bars
from worker.web.ui.labels import OUTCOMES, REQUEST_TYPES, label

service_bp = Blueprint("service", __name__)
service_bp.before_request(auth.require_login)
WEEK_CHOICES = (4, 8, 12, 26)


def time_unit(largest_seconds: float) -> tuple[float, str, str]:
    """The chart's unit: hours for a team that answers in hours, minutes or seconds when it is quicker."""
    if largest_seconds >= 3600:
        return 3600.0, " h", "Stunden"
    if largest_seconds >= 60:
        return 60.0, " min", "Minuten"
    return 1.0, " s", "Sekunden"


@service_bp.get("/service")
def page():  # type: ignore[no-untyped-def]
    settings = current_app.config["SETTINGS"]
    n = request.args.get("weeks", type=int)
    n = n if n in WEEK_CHOICES else 8
    weeks = queries.last_weeks(n)
    week_labels = [f"KW {w.isocalendar().week}" for w in weeks]
    rt = queries.response_times(settings.db_url, weeks)
    scale, unit, unit_name = time_unit(max((w.mean_s or 0 for w in rt.weekly), default=0))
    rt_chart = bar_chart(
        week_labels,
        [Series("mean", "Mittelwert", "#2f6fde"), Series("median", "Median", "#2e9b6a")],
        {
            "mean": [(w.mean_s or 0) / scale for w in rt.weekly],
            "median": [(w.median_s or 0) / scale for w in rt.weekly],
        },
        title=f"Reaktionszeit pro Woche ({unit_name} bis zur ersten Antwort)",
        unit=unit,
    )
    vol = queries.volume(settings.db_url, weeks, settings.goodwill_faq_min_per_week)
    series = palette(vol.types, REQUEST_TYPES)
    vol_chart = bar_chart(
        week_labels,
        series,
        {t: [vol.by_week[w][t] for w in weeks] for t in vol.types},
        title="Tickets pro Woche nach Anliegen",
        stacked=True,
    )
    outcome_chart = share_bars(
        [(label(OUTCOMES, o), c) for o, c in vol.outcomes.most_common()], title="Anteile der Ergebnisse"
    )
    return render_template(
        "ui_service.html",
        weeks=weeks,
        week_labels=week_labels,
        n=n,
        choices=WEEK_CHOICES,
        rt=rt,
        rt_chart=rt_chart,
        vol=vol,
        vol_chart=vol_chart,
        outcome_chart=outcome_chart,
        readiness=verdicts.readiness(settings.db_url),
        ready_share=verdicts.READY_SHARE,
        ready_min=verdicts.READY_MIN_VERDICTS,
        readiness_days=verdicts.READINESS_DAYS,
    )
