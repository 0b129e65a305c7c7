"""`goodwill trial` as a real process against the sandbox: not one POST/PUT/DELETE leaves it, not one row changes.

The demo's ten tickets are decided by the pipeline through the real Groove and ActiveCampaign clients
(the sandbox, docs/sandbox.md); then the trial runs under a pack with six-week extensions. The
sandbox logs every vendor request (`GET /_sandbox/state?since=`): during the trial there are none
that write — for `records` none at all, for `groove` only reads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.support import Sandbox
from tests.trialkit import EXTENSION_TICKET, decide_all, demo_seed, six_week_pack, table_hashes
from worker.bootstrap import build_runtime
from worker.config import load_settings
from worker.store.db import upgrade

WRITES = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def recorded(base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    with Sandbox() as sandbox:
        monkeypatch.setenv("GROOVE_API_URL", f"{sandbox.url}/groove/v1")
        monkeypatch.setenv("AC_API_URL", f"{sandbox.url}/ac/api/3")
        settings = load_settings()
        upgrade(settings.db_url)
        rt = build_runtime(settings)
        seed = demo_seed(rt.today())
        sandbox.seed(seed)
        decide_all(rt, seed)
        env = {**os.environ}
        yield {
            "sandbox": sandbox,
            "settings": settings,
            "env": env,
            "numbers": [t["number"] for t in seed["groove"]["tickets"]],
        }


def trial(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "worker.cli", "trial", "--since", "2020-01-01", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        env=env,
    )


def requests_since(sandbox: Sandbox, t0: float) -> list[dict[str, Any]]:
    state = sandbox.state()
    return [r for r in state["requests"] if r["at"] >= t0]


def test_a_records_trial_with_six_week_extensions_lists_the_changed_decision_and_sends_nothing(
    recorded: dict[str, Any], tmp_path: Path
) -> None:
    sandbox, settings = recorded["sandbox"], recorded["settings"]
    notes_before = sandbox.state()["groove"]["notes"]
    rows_before = table_hashes(settings.db_url)
    t0 = time.time()
    r = trial(recorded["env"], "--source", "records", "--pack", str(six_week_pack(tmp_path)), "--json")
    assert r.returncode == 0, r.stderr[-3000:]
    summary = json.loads(r.stdout)
    assert summary["totals"]["decisions"] == 10 and summary["totals"]["replayed"] == 10
    assert [c["ticket_number"] for c in summary["changed"] if c["kind"] == "decision"] == [EXTENSION_TICKET]
    assert requests_since(sandbox, t0) == []  # recorded inputs: the vendors are not even asked
    assert sandbox.state()["groove"]["notes"] == notes_before
    assert table_hashes(settings.db_url) == rows_before


def test_a_groove_trial_reads_the_tickets_through_the_real_clients_and_not_one_write_leaves_the_process(
    recorded: dict[str, Any], tmp_path: Path
) -> None:
    sandbox, settings = recorded["sandbox"], recorded["settings"]
    state_before = sandbox.state()
    rows_before = table_hashes(settings.db_url)
    t0 = time.time()
    r = trial(recorded["env"], "--source", "groove", "--pack", str(six_week_pack(tmp_path)), "--json")
    assert r.returncode == 0, r.stderr[-3000:]
    summary = json.loads(r.stdout)
    assert summary["totals"]["replayed"] == 10 and summary["totals"]["errors"] == 0
    assert [c["ticket_number"] for c in summary["changed"] if c["kind"] == "decision"] == [EXTENSION_TICKET]
    log = requests_since(sandbox, t0)
    assert log, "the groove source reads Groove and ActiveCampaign again"
    assert [r for r in log if r["method"] in WRITES] == []
    assert {r["vendor"] for r in log} == {"groove", "ac"}
    assert "Probelauf [" in r.stderr and "10/10 Tickets" in r.stderr
    after = sandbox.state()
    assert after["groove"]["notes"] == state_before["groove"]["notes"]
    assert after["ac"]["contacts"] == state_before["ac"]["contacts"]
    assert table_hashes(settings.db_url) == rows_before
