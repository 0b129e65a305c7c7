"""`goodwill web`: the Flask app under gunicorn, with the webhook secret kept out of access logs."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from worker.ops.logs import json_formatter, redact_secret_paths


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type hints: Logger is Any
    """gunicorn's access log with secrets in URL paths replaced by [redacted]."""

    def setup(self, cfg):  # type: ignore[no-untyped-def]
        super().setup(cfg)
        # Same JSON lines (and redaction) as the rest of the app: worker/ops/logs.py.
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(json_formatter())

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "{raw_uri}e"):
            if key in atoms and isinstance(atoms[key], str):
                atoms[key] = redact_secret_paths(atoms[key])
        return atoms


class GunicornApp(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    def __init__(self, app: Any, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def run(app: Any, *, host: str, port: int, workers: int, threads: int = 4, access_log: bool = True) -> None:
    GunicornApp(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 30,
            "graceful_timeout": 20,
            "logger_class": RedactingLogger,
            "accesslog": "-" if access_log else None,
            "errorlog": "-",
        },
    ).run()
