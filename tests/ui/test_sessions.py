"""Web UI sessions can be ended: logout and a new password end all of a user's sessions, a login
lasts GOODWILL_SESSION_HOURS however active it is, and a disabled user is refused at the next request.

Issue 13, finding 5. The session cookie is signed but lives in the browser; the server keeps a
session version per user, so a copied cookie stops working once its user's sessions were ended.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.ui.kit import PASSWORD, USERS, login, make_users, page_token
from worker.app import create_app
from worker.config import load_settings
from worker.store.db import upgrade

COOKIE = "goodwill_session"
AGENT = USERS["agent"][0]


@pytest.fixture
def app(base_env: dict[str, str]):  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    make_users(settings.db_url)
    return create_app(settings)


def logged_in(app, who: str = "agent", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert login(client, who, password).status_code == 302
    assert client.get("/queue").status_code == 200
    return client


def goodwill(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "worker.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ},
    )


def test_logging_out_ends_every_session_of_that_user(app) -> None:  # type: ignore[no-untyped-def]
    laptop, phone = logged_in(app), logged_in(app)
    other = logged_in(app, "lead")
    assert laptop.post("/logout", data={"csrf_token": page_token(laptop, "/queue")}).status_code == 302
    assert phone.get("/queue").status_code == 302
    assert other.get("/queue").status_code == 200  # another user's session stays


def test_a_session_cookie_copied_before_logout_is_refused_afterwards(app) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(app)
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    client.post("/logout", data={"csrf_token": page_token(client, "/queue")})
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    r = thief.get("/queue")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_a_login_ends_after_the_session_hours_however_active_it_is(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    hours = app.config["SETTINGS"].goodwill_session_hours
    client = logged_in(app)
    real, shift = time.time, [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + shift[0])
    for elapsed in range(1, hours):  # a request every hour keeps the cookie fresh ...
        shift[0] = elapsed * 3600.0
        assert client.get("/queue").status_code == 200, elapsed
    shift[0] = hours * 3600.0 + 60
    r = client.get("/queue")  # ... but the login itself is older than GOODWILL_SESSION_HOURS
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_changing_the_password_ends_every_session_and_only_the_new_one_logs_in(app) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(app)
    r = goodwill(["user", "password", AGENT.upper(), "--password-stdin"], "ein-neues-passwort-43\n")
    assert r.returncode == 0, r.stderr
    assert AGENT in r.stdout
    assert client.get("/queue").status_code == 302
    assert login(app.test_client(), "agent").status_code == 401
    logged_in(app, password="ein-neues-passwort-43")


def test_a_disabled_user_is_refused_at_the_next_request_and_stays_out_until_enabled(app) -> None:  # type: ignore[no-untyped-def]
    before = logged_in(app)
    r = goodwill(["user", "disable", AGENT])
    assert r.returncode == 0, r.stderr
    assert before.get("/queue").status_code == 302
    assert login(app.test_client(), "agent").status_code == 401
    r = goodwill(["user", "enable", AGENT])
    assert r.returncode == 0, r.stderr
    logged_in(app)
    assert before.get("/queue").status_code == 302  # enabling again does not revive the old session


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["disable", "niemand@team.example"], "", "no user niemand@team.example"),
        (["enable", "niemand@team.example"], "", "no user niemand@team.example"),
        (["password", "niemand@team.example", "--password-stdin"], "lang-genug-123\n", "no user"),
        (["password", AGENT, "--password-stdin"], "kurz\n", "at least 10 characters"),
    ],
)
def test_the_user_commands_refuse_bad_input_with_one_line_and_exit_2(
    app, args: list[str], stdin: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    r = goodwill(["user", *args], stdin)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and message in r.stderr
    logged_in(app)  # nothing changed
