"""Structured JSON logs for web, worker and CLI, set up in one place.

Every line is one JSON object on stderr (stdout for gunicorn's access log): time, level, logger,
component, event, plus what the code bound for the current unit of work. The pipeline binds
`ticket` and `decision_id` (structlog contextvars), so every line it causes — HTTP calls to the
vendors included — carries them.

A redaction processor runs last on every line, as a safety net behind the code's own care: known
secret values (the API tokens, the webhook secrets, the session key, passwords in database / Redis
URLs) become "[secret]", e-mail addresses become "[email]", secrets in URL paths "[redacted]"
(worker/ops/redact.py: the same redaction as for stored error texts).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, TextIO

import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, merge_contextvars, unbind_contextvars
from structlog.stdlib import ProcessorFormatter

from worker.ops.redact import redact
from worker.ops.redact import redact_secret_paths as redact_secret_paths  # re-exported for worker/web/serve.py

# Environment variables whose values must never appear in a log line.
SECRET_VARIABLES = (
    "GROOVE_API_TOKEN",
    "GROOVE_WEBHOOK_SECRET",
    "GROOVE_WEBHOOK_SECRET_PREVIOUS",
    "AC_API_TOKEN",
    "SECRET_KEY",
    "GOODWILL_METRICS_TOKEN",
)
MIN_SECRET_LENGTH = 6  # shorter "secrets" would mask ordinary words
NOISY_LOGGERS = {
    "urllib3": logging.WARNING,
    "kombu": logging.WARNING,
    "amqp": logging.WARNING,
    "alembic.runtime.plugins": logging.WARNING,
}


class Redactor:
    """Masks secrets and e-mail addresses in every string value of a log line (nested ones too)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, "[secret]")
        return redact(value)  # the one redaction of error texts: worker/ops/redact.py

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple, set)):
            return [self.value(v) for v in value]
        return value

    def __call__(self, _logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> dict[str, Any]:
        return {k: self.value(v) for k, v in event_dict.items()}


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """The secret values this process knows, read from the environment (works before Settings load)."""
    env = os.environ if environ is None else environ
    values = [env.get(name, "") for name in SECRET_VARIABLES]
    for name in ("DATABASE_URL", "REDIS_URL"):
        m = re.search(r"://[^:/@\s]*:([^@/\s]+)@", env.get(name, ""))
        if m:
            values.append(m.group(1))
    return [v for v in values if v]


def _gunicorn_access(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """gunicorn's access line as fields (its atoms were already redacted by worker/web/serve.py)."""
    record = event_dict.get("_record")
    atoms = event_dict.pop("positional_args", None)  # the formatter passes stdlib args only for this
    if record is None or record.name != "gunicorn.access" or not isinstance(atoms, Mapping):
        return event_dict
    event_dict.update(
        event="http request",
        method=atoms.get("m"),
        path=atoms.get("U"),
        status=atoms.get("s"),
        duration_ms=round(float(atoms.get("D") or 0) / 1000, 1),
        remote=atoms.get("h"),
    )
    return event_dict


class _Component:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, _logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        event_dict.setdefault("component", self.name)
        return event_dict


_state: dict[str, Any] = {}


def json_formatter() -> logging.Formatter:
    """The formatter every handler of this process uses (also handed to gunicorn's loggers)."""
    formatter = _state.get("formatter")
    if formatter is None:
        setup_logging()
        formatter = _state["formatter"]
    return formatter  # type: ignore[no-any-return]


def setup_logging(
    component: str = "cli",
    *,
    level: str | int | None = None,
    stream: TextIO | None = None,
    extra_secrets: Iterable[str] = (),
    json: bool | None = None,
    default_level: str = "INFO",
) -> Redactor:
    """Configure the root logger and structlog for this process. Safe to call again (replaces the handler).

    Level: `level`, else LOG_LEVEL, else `default_level` (the CLI's one-shot commands use WARNING).
    """
    redactor = Redactor([*secret_values(), *extra_secrets])
    level = level or os.environ.get("LOG_LEVEL") or default_level
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
        level = level if isinstance(level, int) else logging.INFO
    use_json = json if json is not None else os.environ.get("LOG_FORMAT", "json").lower() != "console"
    shared: list[Any] = [
        merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        _gunicorn_access,
        _Component(component),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if use_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = ProcessorFormatter(
        foreign_pre_chain=shared,
        pass_foreign_args=True,
        processors=[
            ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redactor,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    handler._goodwill = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in NOISY_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, level))
    structlog.configure(
        processors=[*shared, ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    _state.update(formatter=formatter, redactor=redactor, component=component)
    return redactor


def bind(**values: Any) -> None:
    """Add fields to every following log line of this unit of work (thread / task); None removes one."""
    unbind_contextvars(*(k for k, v in values.items() if v is None))
    bind_contextvars(**{k: v for k, v in values.items() if v is not None})


def clear() -> None:
    clear_contextvars()


def install_celery_hooks(db_url: str | None = None) -> None:
    """Keep Celery from replacing our handlers; start each task with a clean, labelled context."""
    from celery import signals

    signals.setup_logging.connect(_celery_keeps_our_logging, weak=False)
    signals.task_prerun.connect(_task_started, weak=False)
    signals.task_postrun.connect(_task_finished, weak=False)
    _state["db_url"] = db_url


def _celery_keeps_our_logging(**_kwargs: Any) -> None:
    """A receiver on `setup_logging` is all Celery needs to leave the logging config alone."""


def _task_started(task_id: str | None = None, task: Any = None, args: Any = None, **_kwargs: Any) -> None:
    clear_contextvars()
    name = getattr(task, "name", None) or ""
    bind(task=name.rsplit(".", 1)[-1], task_id=task_id)
    first = args[0] if args else None
    if not isinstance(first, int):
        return
    if name.endswith("process_event"):
        bind(inbox_id=first)
    elif name.endswith("review_decision"):
        bind(decision_id=first, ticket=_ticket_of(first))


def _ticket_of(decision_id: int) -> int | None:
    db_url = _state.get("db_url")
    if not db_url:
        return None
    try:
        from worker.store.db import session_scope
        from worker.store.models import DecisionRecord

        with session_scope(db_url) as s:
            rec = s.get(DecisionRecord, decision_id)
            return rec.ticket_number if rec else None
    except Exception:
        return None


def _task_finished(**_kwargs: Any) -> None:
    clear_contextvars()


def logger(name: str) -> Any:
    return structlog.get_logger(name)
