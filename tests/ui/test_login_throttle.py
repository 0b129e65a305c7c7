"""Login throttling on SQLite and real PostgreSQL: failed logins per e-mail and per client address lock
further attempts for a while, answered 429 without looking at the password. Time is a fake clock."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from prometheus_client import REGISTRY
from sqlalchemy import func, inspect, select

from tests.ui.kit import PASSWORD, USERS, csrf_from, make_users
from worker.app import create_app
from worker.config import load_settings
from worker.store.db import alembic_config, get_engine, session_scope, upgrade
from worker.store.models import Base, LoginAttempt
from worker.web.login_throttle import LoginThrottle
from worker.web.ui.login import throttle

LOCKED = "Zu viele fehlgeschlagene Anmeldungen. Bitte in 15 Minuten erneut versuchen."
WRONG = "falsches-passwort-99"
HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.9"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_app(db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch, **env: str) -> Any:
    monkeypatch.setenv("DATABASE_URL", db_url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app(load_settings())
    with app.app_context():
        # The throttle the app builds from its settings, with the fake clock put in.
        app.extensions["login_throttle"] = replace(throttle(), clock=clock)
    return app


@pytest.fixture
def app(base_env: dict[str, str], db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Any:
    make_users(db_url)
    return make_app(db_url, clock, monkeypatch)


def client_from(app: Any, address: str = HOME, **headers: str) -> Any:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    client.environ_base.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    return client


def attempt(client: Any, email: str, password: str) -> Any:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def fail(client: Any, email: str, times: int) -> None:
    for _ in range(times):
        assert attempt(client, email, WRONG).status_code == 401


def logins(result: str) -> float:
    return REGISTRY.get_sample_value("goodwill_ui_logins_total", {"result": result}) or 0.0


def test_the_sixth_wrong_password_in_a_row_is_refused_with_429_even_when_it_is_right(app: Any) -> None:
    client = client_from(app)
    fail(client, USERS["lead"][0], 5)
    r = attempt(client, USERS["lead"][0], PASSWORD)
    assert r.status_code == 429
    assert r.headers["Retry-After"] == "900"
    assert LOCKED in r.get_data(as_text=True)
    assert client.get("/queue").status_code == 302  # not logged in


def test_the_email_is_locked_whatever_its_case(app: Any) -> None:
    client = client_from(app)
    fail(client, USERS["lead"][0].upper(), 5)
    assert attempt(client, USERS["lead"][0], PASSWORD).status_code == 429


def test_an_unknown_email_is_locked_exactly_like_a_known_one(app: Any) -> None:
    client = client_from(app)
    fail(client, "niemand@team.example", 5)
    r = attempt(client, "niemand@team.example", WRONG)
    assert r.status_code == 429 and r.headers["Retry-After"] == "900"


def test_a_successful_login_forgives_the_emails_failures(app: Any) -> None:
    fail(client_from(app), USERS["lead"][0], 4)
    assert attempt(client_from(app), USERS["lead"][0], PASSWORD).status_code == 302
    fail(client_from(app), USERS["lead"][0], 5)  # five more wrong ones before the next lock, not one
    assert attempt(client_from(app), USERS["lead"][0], PASSWORD).status_code == 429


def test_another_email_from_another_address_is_not_affected(app: Any) -> None:
    fail(client_from(app, HOME), USERS["lead"][0], 5)
    assert attempt(client_from(app, HOME), USERS["lead"][0], PASSWORD).status_code == 429
    assert attempt(client_from(app, ELSEWHERE), USERS["agent"][0], PASSWORD).status_code == 302


def test_the_address_limit_counts_failures_across_emails(app: Any) -> None:
    attacker = client_from(app, HOME)
    for i in range(30):  # 30 different e-mails, one guess each: no e-mail reaches its own limit
        assert attempt(attacker, f"opfer{i}@team.example", WRONG).status_code == 401
    r = attempt(attacker, USERS["agent"][0], PASSWORD)
    assert r.status_code == 429 and LOCKED in r.get_data(as_text=True)
    # The same account from another address: the lock was on the address, not on the account.
    assert attempt(client_from(app, ELSEWHERE), USERS["agent"][0], PASSWORD).status_code == 302


def test_after_the_lockout_window_login_works_again(app: Any, clock: Clock) -> None:
    client = client_from(app)
    fail(client, USERS["lead"][0], 5)
    clock.advance(minutes=14, seconds=30)
    r = attempt(client, USERS["lead"][0], PASSWORD)
    assert r.status_code == 429 and r.headers["Retry-After"] == "30"
    assert "Bitte in 1 Minute erneut versuchen." in r.get_data(as_text=True)
    clock.advance(seconds=30)
    assert attempt(client, USERS["lead"][0], PASSWORD).status_code == 302


def test_attempts_refused_during_the_lockout_do_not_make_it_longer(app: Any, clock: Clock) -> None:
    client = client_from(app)
    fail(client, USERS["lead"][0], 5)
    for _ in range(10):
        clock.advance(minutes=1)
        assert attempt(client, USERS["lead"][0], WRONG).status_code == 429
    clock.advance(minutes=5)
    assert attempt(client, USERS["lead"][0], PASSWORD).status_code == 302


def test_failures_spread_over_more_than_the_window_do_not_lock(app: Any, clock: Clock) -> None:
    client = client_from(app)
    for _ in range(8):
        fail(client, USERS["lead"][0], 1)
        clock.advance(minutes=4)  # never five within 15 minutes
    assert attempt(client, USERS["lead"][0], PASSWORD).status_code == 302


def test_simultaneous_guesses_get_no_more_password_checks_than_the_limit(db_url: str, clock: Clock) -> None:
    # Ten requests that all reach the throttle before any of them has checked its password.
    t = LoginThrottle(db_url=db_url, secret=b"k", clock=clock)
    attempts = [t.begin("lead@team.example", HOME) for _ in range(10)]
    assert sum(a.lockout is None for a in attempts) == 5


def test_a_lock_is_logged_and_counted_without_password_or_email(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    client = client_from(app)
    fail(client, USERS["lead"][0], 5)
    before = logins("locked")
    with caplog.at_level(logging.WARNING, logger="goodwill.ui"):
        assert attempt(client, USERS["lead"][0], PASSWORD).status_code == 429
    assert logins("locked") == before + 1
    [record] = [r for r in caplog.records if r.getMessage() == "login locked"]
    fields = repr(vars(record))
    assert record.scope == "email" and record.address == HOME  # type: ignore[attr-defined]
    assert PASSWORD not in fields and USERS["lead"][0] not in fields


def test_old_attempts_are_deleted_when_a_new_one_is_recorded(app: Any, db_url: str, clock: Clock) -> None:
    fail(client_from(app), "niemand@team.example", 3)
    clock.advance(minutes=31)  # older than window + lockout: they can no longer matter
    fail(client_from(app), "jemand@team.example", 1)
    with session_scope(db_url) as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt)) == 1


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_counted(
    base_env: dict[str, str], db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_users(db_url)
    app = make_app(db_url, clock, monkeypatch, GOODWILL_TRUSTED_PROXIES="1", LOGIN_MAX_FAILURES_PER_ADDRESS="2")
    proxy = "10.0.0.2"
    fail(client_from(app, proxy, x_forwarded_for=HOME), "a@team.example", 1)
    fail(client_from(app, proxy, x_forwarded_for=HOME), "b@team.example", 1)
    assert attempt(client_from(app, proxy, x_forwarded_for=HOME), USERS["agent"][0], PASSWORD).status_code == 429
    assert attempt(client_from(app, proxy, x_forwarded_for=ELSEWHERE), USERS["agent"][0], PASSWORD).status_code == 302


def test_without_trusted_proxies_a_forged_forwarded_header_does_not_escape_the_lock(
    base_env: dict[str, str], db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_users(db_url)
    app = make_app(db_url, clock, monkeypatch, LOGIN_MAX_FAILURES_PER_ADDRESS="2")
    fail(client_from(app, HOME, x_forwarded_for="192.0.2.1"), "a@team.example", 1)
    fail(client_from(app, HOME, x_forwarded_for="192.0.2.2"), "b@team.example", 1)
    assert attempt(client_from(app, HOME, x_forwarded_for="192.0.2.3"), USERS["agent"][0], PASSWORD).status_code == 429


def test_the_login_attempts_table_matches_the_model(db_url: str) -> None:
    with get_engine(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "login_attempts" in repr(d)] == []


def test_the_login_attempts_migration_goes_down_and_up_again(db_url: str) -> None:
    command.downgrade(alembic_config(db_url), "0003")
    assert "login_attempts" not in inspect(get_engine(db_url)).get_table_names()
    upgrade(db_url)
    assert "login_attempts" in inspect(get_engine(db_url)).get_table_names()
