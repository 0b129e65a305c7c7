"""The README's first command ends in `goodwill demo`: it must process every sample ticket and exit 0."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, free_port


def test_the_demo_prints_a_note_for_every_sample_ticket_and_exactly_one_note_each(tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    while port + 25 > 65000:
        port = free_port()
    r = subprocess.run(
        [sys.executable, "-m", "worker.cli", "demo", "--port", str(port)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert r.stdout.count("━━ Ticket #") == 10
    assert r.stdout.count("Notizen im Ticket: 1") == 10
    assert "OK: 10 Tickets, 10 Notizen in der Sandbox" in r.stdout
    assert "Kulanz-Triage [gw:" in r.stdout
