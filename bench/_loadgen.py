"""An open-loop HTTP load generator with a fixed arrival rate (what wrk2 does; wrk2 is not in Debian).

Request i is due at t0 + i/rate whatever happened to the earlier ones. Its latency is measured
from that due time, not from when a client thread got round to sending it, so a server that
stalls is charged for the requests that queued up behind the stall (no "coordinated omission").
A pool of threads with keep-alive connections sends the requests; if the pool ever falls behind
(all threads busy), the lag shows in the latencies and in `late` (sent > 5 ms after due).

Used by bench/intake.py (webhooks at 200/s) and bench/end_to_end.py (tickets at 5/s).
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Result:
    rate: float
    duration: float
    sent: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, due time → response read
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    late: int = 0
    answers: list[tuple[int, float, float, int, bytes]] = field(
        default_factory=list
    )  # (i, due, answered epoch s, status, body)

    @property
    def achieved_rate(self) -> float:
        return self.sent / self.duration if self.duration else 0.0


def run_open_loop(
    url: str,
    rate: float,
    seconds: float,
    make_request: Callable[[int], tuple[bytes, dict[str, str]]],
    *,
    threads: int = 32,
    keep_answers: bool = False,
) -> Result:
    """POST make_request(i) → (body, headers) to `url` at `rate` per second for `seconds`."""
    parts = urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
    total = int(rate * seconds)
    counter = itertools.count()
    lock = threading.Lock()
    result = Result(rate=rate, duration=seconds)
    t0 = time.perf_counter() + 0.2

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        local_lat: list[float] = []
        local_status: dict[int, int] = {}
        local_answers: list[tuple[int, float, float, int, bytes]] = []
        errors = late = 0
        while True:
            i = next(counter)
            if i >= total:
                break
            due = t0 + i / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            elif wait < -0.005:
                late += 1
            body, headers = make_request(i)
            status, data = 0, b""
            for _attempt in range(2):
                # A keep-alive connection the server closed while idle fails on first use: reconnect
                # and send again (the webhook is deduplicated, so a resend can never double it).
                try:
                    conn.request("POST", path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    status = resp.status
                    break
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=30)
            if not status:
                errors += 1
                continue
            done = time.perf_counter()
            local_lat.append(done - due)
            local_status[status] = local_status.get(status, 0) + 1
            if keep_answers:
                local_answers.append((i, due, time.time(), status, data))
        conn.close()
        with lock:
            result.latencies.extend(local_lat)
            for k, v in local_status.items():
                result.statuses[k] = result.statuses.get(k, 0) + v
            result.errors += errors
            result.late += late
            result.answers.extend(local_answers)

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    result.sent = sum(result.statuses.values()) + result.errors
    result.duration = max(seconds, time.perf_counter() - t0)
    return result
