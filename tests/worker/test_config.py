"""Settings: a missing or invalid one stops start-up with one line naming it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from worker.config import ConfigError, load_settings


def test_a_complete_environment_loads_with_embedded_defaults(base_env: dict[str, str]) -> None:
    s = load_settings()
    assert s.embedded_broker and s.broker_url.startswith("sqla+sqlite:///")
    assert s.db_url.startswith("sqlite:///") and s.db_url.endswith("goodwill.sqlite")
    assert s.goodwill_policy_pack == "goodwill"


@pytest.mark.parametrize("name", ["GROOVE_API_TOKEN", "GROOVE_WEBHOOK_SECRET", "AC_API_URL", "AC_API_TOKEN"])
def test_a_missing_required_setting_is_named(
    base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.delenv(name)
    with pytest.raises(ConfigError, match=f"^{name}: missing"):
        load_settings()


def test_a_blank_variable_counts_as_unset(base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    # As a blank line in .env leaves it: an optional secret stays off, a required one is "missing".
    monkeypatch.setenv("GOODWILL_METRICS_TOKEN", "")
    monkeypatch.setenv("REDIS_URL", "")
    s = load_settings()
    assert s.goodwill_metrics_token is None and s.embedded_broker
    monkeypatch.setenv("AC_API_TOKEN", "")
    with pytest.raises(ConfigError, match="^AC_API_TOKEN: missing"):
        load_settings()


def test_a_short_webhook_secret_is_refused(base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROOVE_WEBHOOK_SECRET", "short")
    with pytest.raises(ConfigError, match="^GROOVE_WEBHOOK_SECRET: .*32 characters"):
        load_settings()


def test_a_redis_url_that_is_not_redis_is_refused(base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "http://localhost")
    with pytest.raises(ConfigError, match="^REDIS_URL: "):
        load_settings()


def test_secrets_do_not_show_in_the_settings_repr(base_env: dict[str, str]) -> None:
    text = repr(load_settings())
    assert base_env["GROOVE_WEBHOOK_SECRET"] not in text
    assert base_env["AC_API_TOKEN"] not in text


def test_the_cli_prints_one_line_and_exits_2_on_a_missing_setting(base_env: dict[str, str]) -> None:
    env = {k: v for k, v in base_env.items() if k != "AC_API_TOKEN"}
    import os

    env["PATH"] = os.environ["PATH"]
    r = subprocess.run(
        [sys.executable, "-m", "worker.cli", "status"], env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "goodwill: configuration: AC_API_TOKEN: missing (set the environment variable AC_API_TOKEN)"
    ]
