"""All settings, read from the environment in one place.

A missing or invalid setting stops start-up with one line naming it (`ConfigError`).
Secrets are `SecretStr`: they never show up in a repr, a log line or a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigError(RuntimeError):
    """One line naming the setting that is missing or invalid."""


class DatabaseSettings(BaseSettings):
    """The subset `goodwill db upgrade` and the CLI read-only commands need."""

    # An empty variable (e.g. `SECRET_KEY=` left blank in .env) counts as unset, not as an empty value.
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False, env_ignore_empty=True)

    goodwill_data_dir: Path = Field(default=Path("data"))
    database_url: str | None = None

    @property
    def data_dir(self) -> Path:
        return self.goodwill_data_dir

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.goodwill_data_dir / 'goodwill.sqlite').resolve()}"


class Settings(DatabaseSettings):
    groove_api_url: str = "https://api.groovehq.com/v1"
    groove_api_token: SecretStr
    groove_webhook_secret: SecretStr
    # A second secret accepted during rotation (old URL keeps working until Groove is re-pointed).
    groove_webhook_secret_previous: SecretStr | None = None
    groove_note_author: str | None = None
    # Default: derived from GROOVE_API_URL (".../v1" → ".../v2/graphql").
    groove_graphql_url: str | None = None
    groove_tags_via_graphql: bool = False
    groove_rate_limit: float = Field(default=10.0, gt=0)
    ac_api_url: str
    ac_api_token: SecretStr
    ac_rate_limit: float = Field(default=4.0, gt=0)
    redis_url: str | None = None
    goodwill_policy_pack: str = "goodwill"
    # Groove mailbox → policy pack, e.g. "Kundendienst Finecom=fair-use,Support=goodwill"; a mailbox
    # not named here gets GOODWILL_POLICY_PACK. Both tenants run in one deployment this way.
    goodwill_mailbox_packs: str | None = None
    # Base URL of the web UI, used in notes for the one-click apply links (assist mode).
    goodwill_public_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr | None = None
    # When set, GET /metrics needs "Authorization: Bearer <token>" (Prometheus: `authorization`
    # in the scrape config). Unset: /metrics is open, for a scraper on a private network only.
    goodwill_metrics_token: SecretStr | None = None
    sweep_after_seconds: int = Field(default=300, ge=10)
    http_connect_timeout: float = Field(default=5.0, gt=0)
    http_read_timeout: float = Field(default=20.0, gt=0)
    log_level: str = "INFO"
    # Web UI: link to a ticket in Groove's web app. A template with {number} (or a base URL, to which
    # "/tickets/{number}" is added); unset → the `app_url` Groove sent with the ticket's webhook.
    groove_app_url: str | None = None
    # Service metrics: a request type arriving at least this often in one week is an FAQ candidate.
    goodwill_faq_min_per_week: int = Field(default=5, ge=1)
    # How long a web UI login lasts.
    goodwill_session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # Web UI login throttling (worker/web/login_throttle.py): this many failed logins within the lockout
    # period refuse further attempts for that e-mail / that client address for the lockout period.
    login_max_failures_per_email: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=30, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Reverse proxies in front of the web app that set X-Forwarded-For: the client address is then
    # taken from that header (werkzeug ProxyFix). 0 = the peer address is the client.
    goodwill_trusted_proxies: int = Field(default=0, ge=0, le=10)

    @field_validator("groove_webhook_secret")
    @classmethod
    def _long_enough(cls, v: SecretStr) -> SecretStr:
        if len(v.get_secret_value()) < 32:
            raise ValueError(
                "must be at least 32 characters (use `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        return v

    @field_validator("groove_api_url", "ac_api_url", "groove_graphql_url", "goodwill_public_url", "groove_app_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")

    @field_validator("goodwill_mailbox_packs")
    @classmethod
    def _mailbox_packs(cls, v: str | None) -> str | None:
        parse_mailbox_packs(v)
        return v

    @property
    def mailbox_packs(self) -> dict[str, str]:
        """Mailbox name (case-folded) → pack name or path."""
        return parse_mailbox_packs(self.goodwill_mailbox_packs)

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not v.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis:// URL")
        return v

    @property
    def flask_secret(self) -> bytes:
        if self.secret_key:
            return self.secret_key.get_secret_value().encode()
        # Derived, so a two-variable set-up still gets a stable, non-guessable session key.
        return hmac.new(self.groove_webhook_secret.get_secret_value().encode(), b"goodwill-ui", hashlib.sha256).digest()

    @cached_property
    def broker_url(self) -> str:
        if self.redis_url:
            return self.redis_url
        return f"sqla+sqlite:///{(self.goodwill_data_dir / 'broker.sqlite').resolve()}"

    @property
    def embedded_broker(self) -> bool:
        return self.redis_url is None


def parse_mailbox_packs(value: str | None) -> dict[str, str]:
    """'Mailbox A=pack-a, Support=goodwill' → {'mailbox a': 'pack-a', 'support': 'goodwill'}."""
    out: dict[str, str] = {}
    for item in (value or "").split(","):
        if not item.strip():
            continue
        mailbox, sep, pack = item.partition("=")
        if not sep or not mailbox.strip() or not pack.strip():
            raise ValueError(f"expected 'Mailbox=pack' entries separated by commas, got {item.strip()!r}")
        key = mailbox.strip().casefold()
        if key in out:
            raise ValueError(f"mailbox {mailbox.strip()!r} is named twice")
        out[key] = pack.strip()
    return out


def _explain(err: ValidationError) -> str:
    first = err.errors()[0]
    name = str(first["loc"][0]).upper() if first["loc"] else "settings"
    if first["type"] == "missing":
        return f"{name}: missing (set the environment variable {name})"
    return f"{name}: {first['msg']}"


def load_settings() -> Settings:
    try:
        settings = Settings()  # type: ignore[call-arg]
    except ValidationError as e:
        raise ConfigError(_explain(e)) from None
    settings.goodwill_data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def load_database_settings() -> DatabaseSettings:
    try:
        settings = DatabaseSettings()
    except ValidationError as e:
        raise ConfigError(_explain(e)) from None
    settings.goodwill_data_dir.mkdir(parents=True, exist_ok=True)
    return settings
