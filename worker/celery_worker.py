"""Entry point for `celery -A worker.celery_worker` and `goodwill worker` / `goodwill beat`."""
from __future__ import annotations

from worker.celery_app import make_celery
from worker.config import load_settings

app = make_celery(load_settings())
