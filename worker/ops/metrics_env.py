"""Prometheus multiprocess mode for `goodwill web` and `goodwill worker` on one machine.

prometheus_client picks its storage when it is first imported, so this module must not import it:
`prepare_multiproc_dir` runs before anything that does. Both commands point PROMETHEUS_MULTIPROC_DIR
at <data dir>/prometheus (unless it is set), so the web's /metrics sums the counters of every
gunicorn worker and every Celery process.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"
_PID = re.compile(r"_(\d+)\.db$")
log = logging.getLogger("goodwill.metrics")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prepare_multiproc_dir(data_dir: Path) -> Path:
    """Set PROMETHEUS_MULTIPROC_DIR when unset and remove the files of processes that are gone.

    Only dead processes' files are removed: the web and the worker start in any order and must not
    wipe each other's live counters. A restarted service starts its counters at zero, which
    Prometheus reads as a counter reset.
    """
    given = os.environ.get(ENV)
    path = Path(given) if given else (data_dir / "prometheus")
    path.mkdir(parents=True, exist_ok=True)
    os.environ[ENV] = str(path.resolve())
    if "prometheus_client.values" in sys.modules and not given:
        log.warning("prometheus_client was imported before %s was set; this process keeps its own counters", ENV)
    for f in path.glob("*.db"):
        m = _PID.search(f.name)
        if m and not _alive(int(m.group(1))):
            f.unlink(missing_ok=True)
    return path
