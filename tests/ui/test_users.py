"""Users: `goodwill user add`, hashed passwords, roles."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from tests.conftest import ROOT
from worker.config import load_database_settings
from worker.store.db import session_scope, upgrade
from worker.store.models import User
from worker.web.auth import CurrentUser, UserError, add_user, authenticate


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


def test_user_add_reads_the_password_from_stdin_and_stores_only_a_hash(base_env: dict[str, str]) -> None:
    r = goodwill(
        [
            "user",
            "add",
            "Hanna.Head@Team.example",
            "--name",
            "Hanna Head",
            "--role",
            "lead",
            "--targets",
            "head_of_ch,ofd",
            "--password-stdin",
        ],
        "sehr-geheimes-pw-1\n",
    )
    assert r.returncode == 0, r.stderr
    assert "hanna.head@team.example (lead)" in r.stdout
    db_url = load_database_settings().db_url
    with session_scope(db_url) as s:
        user = s.scalars(select(User)).one()
        assert user.password_hash.startswith("scrypt:")
        assert "sehr-geheimes-pw-1" not in user.password_hash
    me = authenticate(db_url, "hanna.head@team.example", "sehr-geheimes-pw-1")
    assert me is not None and me.role == "lead" and me.targets == ("head_of_ch", "ofd")
    assert authenticate(db_url, "hanna.head@team.example", "sehr-geheimes-pw-2") is None


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["x@team.example", "--name", "X", "--password-stdin"], "kurz\n", "at least 10 characters"),
        (["kein-email", "--name", "X", "--password-stdin"], "lang-genug-123\n", "is not an e-mail address"),
        (
            ["x@team.example", "--name", "X", "--targets", "boss", "--password-stdin"],
            "lang-genug-123\n",
            "unknown escalation target",
        ),
        (["x@team.example", "--name", "X"], "", "--password-stdin"),
    ],
)
def test_user_add_refuses_bad_input_with_one_line_and_exit_2(
    base_env: dict[str, str], args: list[str], stdin: str, message: str
) -> None:
    r = goodwill(["user", "add", *args], stdin)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and message in r.stderr


def test_a_second_user_with_the_same_email_is_refused(base_env: dict[str, str]) -> None:
    db_url = load_database_settings().db_url
    upgrade(db_url)
    add_user(db_url, email="a@team.example", name="A", password="lang-genug-123")
    with pytest.raises(UserError, match="exists already"):
        add_user(db_url, email="A@team.example", name="B", password="lang-genug-456")


def test_an_inactive_user_cannot_log_in(base_env: dict[str, str]) -> None:
    db_url = load_database_settings().db_url
    upgrade(db_url)
    add_user(db_url, email="a@team.example", name="A", password="lang-genug-123")
    with session_scope(db_url) as s:
        s.scalars(select(User)).one().active = False
    assert authenticate(db_url, "a@team.example", "lang-genug-123") is None


@pytest.mark.parametrize(
    "role, targets, outcome, target, allowed",
    [
        ("agent", (), "escalate", "ofd", False),
        ("agent", (), "approve", None, True),  # an assist-mode approval: the same authority as the one-click link
        ("lead", (), "escalate", "coach_leads", True),
        ("lead", ("coach_leads",), "escalate", "head_of_ch", False),
        ("lead", ("coach_leads",), "escalate", "coach_leads", True),
        ("admin", (), "escalate", "supervisor", True),
    ],
)
def test_who_may_decide_an_ofd_case(
    role: str, targets: tuple[str, ...], outcome: str, target: str | None, allowed: bool
) -> None:
    assert CurrentUser(1, "x@team.example", "X", role, targets).may_decide(outcome, target) is allowed
