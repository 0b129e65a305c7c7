"""All settings, read from the environment in one place.

A missing or invalid setting stops start-up with one line naming it (`ConfigError`).
Secrets are `SecretStr`: they never show up in a repr, a log line or a traceback.
"""

from __future__ import annotations

import contextlib
import os
import secrets
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
    # Signs sessions and one-click links. Required in production (REDIS_URL or a PostgreSQL
    # DATABASE_URL); embedded mode without it generates one in the data directory (flask_secret).
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

    @field_validator("groove_webhook_secret", "secret_key")
    @classmethod
    def _long_enough(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None:
            return v
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
    def production(self) -> bool:
        """Shared services (Redis, PostgreSQL): a deployment whose secrets are set, never made up."""
        return self.redis_url is not None or (self.database_url or "").startswith("postgresql")

    @cached_property
    def flask_secret(self) -> bytes:
        """Signs sessions, the one-click links and the login throttle's e-mail keys.

        SECRET_KEY, and never derived from GROOVE_WEBHOOK_SECRET (Groove and the usage system hold
        that one). In embedded mode without SECRET_KEY: generated at the first start and kept in
        <data dir>/secret_key (mode 0600), so web and worker processes and every restart share it.
        """
        problem = secret_key_problem(self)
        if problem:
            raise ConfigError(problem)
        if self.secret_key:
            return self.secret_key.get_secret_value().encode()
        return _stored_key(self.goodwill_data_dir / SECRET_KEY_FILE)

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


SECRET_KEY_FILE = "secret_key"
_MAKE_ONE = "make one with `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`"


def secret_key_problem(settings: Settings) -> str | None:
    """One line naming SECRET_KEY when it is missing in production or is the webhook secret again."""
    if settings.secret_key is None:
        if settings.production:
            return (
                "SECRET_KEY: missing (set the environment variable SECRET_KEY; required with REDIS_URL or a "
                f"PostgreSQL DATABASE_URL, separate from GROOVE_WEBHOOK_SECRET; {_MAKE_ONE})"
            )
        return None
    key = settings.secret_key.get_secret_value()
    webhook = [settings.groove_webhook_secret, settings.groove_webhook_secret_previous]
    if any(s is not None and s.get_secret_value() == key for s in webhook):
        return f"SECRET_KEY: must differ from GROOVE_WEBHOOK_SECRET (Groove and the usage system know that one; {_MAKE_ONE})"
    return None


def _read_key(path: Path) -> bytes:
    key = path.read_bytes().strip()
    if len(key) < 32:
        raise ConfigError(
            f"SECRET_KEY: the generated key in {path} is damaged (delete the file to make a new one; "
            "that ends every login and one-click link) or set SECRET_KEY"
        )
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return key


def _stored_key(path: Path) -> bytes:
    """The key kept in `path`; made (random, mode 0600) when there is none yet.

    Written to a private temporary file and hard-linked into place, so processes starting at the same
    time agree on one key and none reads a half-written file.
    """
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_urlsafe(48).encode() + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: its key counts
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return _read_key(path)


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
    problem = secret_key_problem(settings)
    if problem:
        raise ConfigError(problem)
    settings.goodwill_data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def load_database_settings() -> DatabaseSettings:
    try:
        settings = DatabaseSettings()
    except ValidationError as e:
        raise ConfigError(_explain(e)) from None
    settings.goodwill_data_dir.mkdir(parents=True, exist_ok=True)
    return settings
