"""Processes starting together on a new embedded broker file all get its queue: none dies at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
START = """
import sys, time
from worker.config import load_settings
from worker.jobs.celery_app import make_celery
settings = load_settings()
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))  # all start at the same instant
make_celery(settings)
print("ok")
"""


@pytest.mark.parametrize("round_", range(3))
def test_four_processes_starting_together_on_a_new_embedded_broker_all_get_the_queue(
    tmp_path: Path, round_: int, base_env: dict[str, str]
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env["GOODWILL_DATA_DIR"] = str(tmp_path)
    at = str(time.time() + 3.0)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", START, at],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err[-400:] for _, err in results]
    engine = create_engine(f"sqlite:///{tmp_path / 'broker.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM kombu_queue")).scalars().all() == ["celery"]
