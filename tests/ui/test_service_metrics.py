"""Service metrics (seed 003): response times from Groove's webhooks, volume per type and week, FAQ candidates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.ui.kit import login, make_users, seed_decision
from worker.app import create_app
from worker.config import load_settings
from worker.store.db import session_scope, upgrade
from worker.store.models import InboxEvent
from worker.web.ui import queries

WEEKS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]  # Mondays
T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)  # Tuesday of the first week


@pytest.fixture
def db_url(base_env: dict[str, str]) -> str:
    settings = load_settings()
    upgrade(settings.db_url)
    return settings.db_url


def event(db_url: str, kind: str, number: int, at: datetime, message_id: str | None = None) -> None:
    with session_scope(db_url) as s:
        s.add(
            InboxEvent(
                dedup_key=f"groove:{kind}:{number}:{message_id or at.isoformat()}",
                event=kind,
                ticket_number=number,
                message_id=message_id,
                payload=json.dumps({"number": number}),
                status="done" if kind == "ticket_started" else "ignored",
                received_at=at,
            )
        )


def test_response_time_is_ticket_start_to_first_agent_reply_with_mean_and_median(db_url: str) -> None:
    for number, hours in ((1, 1), (2, 2), (3, 6)):
        event(db_url, "ticket_started", number, T0)
        event(db_url, "agent_replied", number, T0 + timedelta(hours=hours), "a")
        event(db_url, "agent_replied", number, T0 + timedelta(hours=hours + 5), "b")  # a later reply does not count
    event(db_url, "ticket_started", 4, T0)  # not answered yet
    event(db_url, "agent_replied", 5, T0 - timedelta(hours=1), "x")  # a reply without a start in the window
    rt = queries.response_times(db_url, WEEKS)
    assert (rt.answered, rt.unanswered) == (3, 1)
    assert rt.mean_s == pytest.approx(3 * 3600)
    assert rt.median_s == pytest.approx(2 * 3600)
    assert [w.answered for w in rt.weekly] == [3, 0, 0]
    assert rt.weekly[1].mean_s is None


def test_a_reply_in_the_next_week_counts_for_the_week_the_ticket_started(db_url: str) -> None:
    event(db_url, "ticket_started", 7, T0 + timedelta(days=5))  # Sunday
    event(db_url, "agent_replied", 7, T0 + timedelta(days=6), "a")  # Monday
    rt = queries.response_times(db_url, WEEKS)
    assert [w.answered for w in rt.weekly] == [1, 0, 0]
    assert rt.weekly[0].median_s == pytest.approx(86400)


def test_volume_counts_tickets_per_type_and_week_and_marks_recurring_types_as_faq_candidates(db_url: str) -> None:
    week2 = T0 + timedelta(days=7)
    for n in range(3):
        seed_decision(db_url, 100 + n, request_type="program_extension", outcome="approve", created_at=T0)
    for n, at in enumerate((T0, T0, week2, week2)):
        seed_decision(db_url, 200 + n, request_type="program_return", outcome="deny", created_at=at)
    for n in range(3):
        seed_decision(
            db_url, 300 + n, request_type="abuse", outcome="escalate", escalate_to="supervisor", created_at=T0
        )
    # one ticket, decided twice (unclear first, a pause after the customer's reply): counted once, as a pause
    seed_decision(db_url, 400, request_type="unclear", outcome="clarify", created_at=T0)
    seed_decision(
        db_url,
        400,
        request_type="program_pause",
        outcome="offer_alternative",
        created_at=week2,
        event="customer_replied",
        message_id="r1",
    )
    vol = queries.volume(db_url, WEEKS, threshold=3)
    assert vol.by_week[WEEKS[0]]["program_extension"] == 3
    assert (vol.by_week[WEEKS[0]]["program_return"], vol.by_week[WEEKS[1]]["program_return"]) == (2, 2)
    assert vol.by_week[WEEKS[0]]["program_pause"] == 1 and vol.by_week[WEEKS[0]]["unclear"] == 0
    assert vol.faq == {"program_extension"}  # 4 returns, but never 3 in one week; insults are not FAQ material
    assert vol.tickets == 11
    assert vol.outcomes == {"approve": 3, "deny": 4, "escalate": 3, "offer_alternative": 1}
    assert vol.reviews == {"open": 3}


def test_the_service_page_shows_the_figures_and_the_faq_marker(base_env: dict[str, str]) -> None:
    settings = load_settings()
    upgrade(settings.db_url)
    make_users(settings.db_url)
    now = datetime.now(UTC)
    for n in range(settings.goodwill_faq_min_per_week):
        seed_decision(settings.db_url, 900 + n, request_type="other", outcome="no_action", created_at=now)
    event(settings.db_url, "agent_replied", 900, now + timedelta(hours=2), "a")
    client = create_app(settings).test_client()
    login(client, "agent")
    html = client.get("/service?weeks=4").get_data(as_text=True)
    mean = html.split('id="kpi-mean"')[1].split("</b>")[0]
    assert mean.endswith(">2 h")
    assert "FAQ-Kandidat" in html and "Sonstiges" in html
    assert "Kein Kulanzfall" in html  # the outcome share chart
    assert html.count("<svg") == 3
