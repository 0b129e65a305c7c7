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
    with pytest.raises(ConfigError, match=r"^AC_API_TOKEN: missing"):
        load_settings()


def test_a_short_webhook_secret_is_refused(base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROOVE_WEBHOOK_SECRET", "short")
    with pytest.raises(ConfigError, match=r"^GROOVE_WEBHOOK_SECRET: .*32 characters"):
        load_settings()


def test_a_redis_url_that_is_not_redis_is_refused(base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "http://localhost")
    with pytest.raises(ConfigError, match=r"^REDIS_URL: "):
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


PRODUCTION = [("REDIS_URL", "redis://127.0.0.1:6379/0"), ("DATABASE_URL", "postgresql+psycopg://u:pw@db/goodwill")]


@pytest.mark.parametrize("name, value", PRODUCTION)
def test_production_refuses_to_start_without_a_secret_key_of_its_own(
    base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=r"^SECRET_KEY: missing") as e:
        load_settings()
    assert "\n" not in str(e.value)
    monkeypatch.setenv("SECRET_KEY", base_env["GROOVE_WEBHOOK_SECRET"])  # the webhook secret once more: not separate
    with pytest.raises(ConfigError, match=r"^SECRET_KEY: .*GROOVE_WEBHOOK_SECRET"):
        load_settings()
    monkeypatch.setenv("SECRET_KEY", "a-separate-secret-key-0123456789-abcdef")
    assert load_settings().flask_secret == b"a-separate-secret-key-0123456789-abcdef"


def test_the_cli_names_secret_key_when_production_has_none(base_env: dict[str, str]) -> None:
    import os

    env = {k: v for k, v in base_env.items() if k != "SECRET_KEY"}
    env.update(PATH=os.environ["PATH"], REDIS_URL="redis://127.0.0.1:1/0")
    r = subprocess.run(
        [sys.executable, "-m", "worker.cli", "status"], env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2
    [line] = r.stderr.strip().splitlines()
    assert line.startswith("goodwill: configuration: SECRET_KEY: missing")


def test_embedded_mode_generates_a_secret_key_once_and_keeps_it_in_the_data_directory(
    base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import hmac
    import stat
    from pathlib import Path

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_settings().flask_secret
    path = Path(base_env["GOODWILL_DATA_DIR"]) / "secret_key"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    webhook = base_env["GROOVE_WEBHOOK_SECRET"].encode()
    assert first != hmac.new(webhook, b"goodwill-ui", hashlib.sha256).digest()  # not derived from the webhook secret
    monkeypatch.setenv("GROOVE_WEBHOOK_SECRET", "another-webhook-secret-0123456789-abcdef")
    assert load_settings().flask_secret == first  # reused at the next start, whatever the webhook secret


def test_a_link_token_signed_with_a_key_derived_from_the_webhook_secret_is_refused(
    base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import hmac

    from itsdangerous import URLSafeTimedSerializer

    from worker.web.links import LinkError, read_token

    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = load_settings()
    derived = hmac.new(base_env["GROOVE_WEBHOOK_SECRET"].encode(), b"goodwill-ui", hashlib.sha256).digest()
    forged = URLSafeTimedSerializer(derived, salt="goodwill-action-link").dumps({"d": 1, "v": "apply"})
    with pytest.raises(LinkError):
        read_token(settings, forged, 1)
