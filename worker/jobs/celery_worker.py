"""Entry point for `celery -A worker.jobs.celery_worker` and `goodwill worker` / `goodwill beat`."""

from __future__ import annotations

from worker.config import load_settings
from worker.jobs.celery_app import make_celery

app = make_celery(load_settings())
