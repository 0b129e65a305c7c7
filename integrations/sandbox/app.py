"""The sandbox Flask app: Groove under /groove, ActiveCampaign under /ac, admin under /_sandbox.

Faults (vendor requests only; admin requests are never delayed, failed or logged):
  auth (401 Groove / 403 AC) → the vendor's rate limit (a sliding 1-s window; over it: 429 with
  `Retry-After`, and the account stays paused until that ends, AC also answering 503 now and then)
  → random 500/503 → the real handler. `latency_ms` is slept before any of that.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections import deque
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from flask import Flask, Response, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask.typing import ResponseReturnValue
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from integrations.sandbox import ac_api, groove_api
from integrations.sandbox.store import SandboxStore
from integrations.sandbox.webhooks import message_webhook, ticket_webhook

# ActiveCampaign's rate-limits page: "5 requests per second per account … we will respond with a 429 Too
# Many Requests response. This response will include headers for a duration in seconds (ex. Retry-After:
# 30) in order to pause the existing requests", plus "RateLimit-Limit: 5" and "RateLimit-Remaining: 3".
AC_RETRY_AFTER = 30.0
# A user reports 503 answers at the limit (mediatoolkit/activecampaign-v3-php #18): a share of the
# over-limit answers is a 503 without Retry-After.
AC_LIMIT_503_SHARE = 0.1
# Groove documents no rate limit, no numbers and no headers; third-party clients read `Retry-After`
# from a 429 (repo d6e/groovehq-cli). The sandbox's Groove limit answers that way, with 1 s by default.
GROOVE_RETRY_AFTER = 1.0


class _Limit:
    """One vendor's account budget: N admitted requests per sliding second; over it a 429 with
    Retry-After, and until that has passed every request is refused too (the account is paused)."""

    def __init__(self, per_second: float | None, retry_after: float, share_503: float = 0.0) -> None:
        self.per_second = int(per_second) if per_second and per_second > 0 else None
        self.retry_after = max(0.0, float(retry_after))
        self.share_503 = share_503
        self.admitted: deque[float] = deque()
        self.paused_since = 0.0
        self.paused_until = 0.0
        self.reject_next = 0  # admin: the next N requests are over the limit (another integration used it up)

    def remaining(self, now: float) -> int | None:
        if self.per_second is None:
            return None
        while self.admitted and self.admitted[0] <= now - 1.0:
            self.admitted.popleft()
        return max(0, self.per_second - len(self.admitted))


@dataclass
class Verdict:
    """What the limit said about one request: admitted (status None) or refused."""

    status: int | None = None
    retry_after: float | None = None  # seconds, for the header
    window_age: float | None = None  # seconds since the 429 that opened the running pause
    limit: int | None = None
    remaining: int | None = None


class _Faults:
    def __init__(
        self,
        latency_ms: float,
        error_rate: float,
        ac_rate_limit: float | None,
        rng_seed: int | None,
        *,
        ac_retry_after: float = AC_RETRY_AFTER,
        ac_limit_503_share: float = AC_LIMIT_503_SHARE,
        groove_rate_limit: float | None = None,
        groove_retry_after: float = GROOVE_RETRY_AFTER,
    ) -> None:
        if not 0.0 <= error_rate <= 1.0:
            raise ValueError("error_rate must be within 0..1")
        if not 0.0 <= ac_limit_503_share <= 1.0:
            raise ValueError("ac_limit_503_share must be within 0..1")
        self.latency = max(0.0, latency_ms) / 1000.0
        self.error_rate = error_rate
        self.limits = {
            "ac": _Limit(ac_rate_limit, ac_retry_after, ac_limit_503_share),
            "groove": _Limit(groove_rate_limit, groove_retry_after),
        }
        self._rng = random.Random(rng_seed)
        self._lock = threading.Lock()

    @property
    def ac_rate_limit(self) -> int | None:
        return self.limits["ac"].per_second

    def check_limit(self, vendor: str) -> Verdict:
        """Admit the request (counting it) or refuse it as over the account's limit."""
        limit = self.limits[vendor]
        with self._lock:
            now = time.monotonic()
            if now < limit.paused_until:  # inside a Retry-After: still paused
                return Verdict(
                    429,
                    max(1.0, math.ceil(limit.paused_until - now)),
                    now - limit.paused_since,
                    limit.per_second,
                    0 if limit.per_second is not None else None,
                )
            remaining = limit.remaining(now)
            over = limit.reject_next > 0 or (remaining is not None and remaining <= 0)
            if not over:
                if limit.per_second is not None:
                    limit.admitted.append(now)
                return Verdict(None, None, None, limit.per_second, None if remaining is None else remaining - 1)
            limit.reject_next = max(0, limit.reject_next - 1)
            if limit.share_503 and self._rng.random() < limit.share_503:
                return Verdict(503, None, None, limit.per_second, 0)
            limit.paused_since, limit.paused_until = now, now + limit.retry_after
            return Verdict(429, limit.retry_after, None, limit.per_second, 0)

    def ac_over_limit(self) -> bool:
        return self.check_limit("ac").status is not None

    def injected_error(self) -> int | None:
        if self.error_rate <= 0.0:
            return None
        with self._lock:
            if self._rng.random() < self.error_rate:
                return self._rng.choice((500, 503))
        return None

    def settings(self) -> dict[str, Any]:
        with self._lock:
            return {
                "latency_ms": self.latency * 1000.0,
                "error_rate": self.error_rate,
                **{
                    f"{vendor}_{key}": value
                    for vendor, limit in self.limits.items()
                    for key, value in (
                        ("rate_limit", limit.per_second),
                        ("retry_after", limit.retry_after),
                        ("over_limit_next", limit.reject_next),
                    )
                },
                "ac_limit_503_share": self.limits["ac"].share_503,
            }

    def update(self, body: Mapping[str, Any]) -> None:
        """`POST /_sandbox/faults`: change faults while the sandbox runs (tests)."""
        with self._lock:
            if "error_rate" in body:
                rate = float(body["error_rate"])
                if not 0.0 <= rate <= 1.0:
                    raise ValueError("error_rate must be within 0..1")
                self.error_rate = rate
            if "latency_ms" in body:
                self.latency = max(0.0, float(body["latency_ms"])) / 1000.0
            for vendor, limit in self.limits.items():
                if f"{vendor}_rate_limit" in body:
                    value = body[f"{vendor}_rate_limit"]
                    limit.per_second = int(value) if value and float(value) > 0 else None
                if f"{vendor}_retry_after" in body:
                    limit.retry_after = max(0.0, float(body[f"{vendor}_retry_after"]))
                if f"{vendor}_over_limit_next" in body:
                    limit.reject_next = max(0, int(body[f"{vendor}_over_limit_next"]))
            if "ac_limit_503_share" in body:
                self.limits["ac"].share_503 = float(body["ac_limit_503_share"])


def _vendor_of(path: str) -> str | None:
    if path.startswith("/groove/"):
        return "groove"
    if path.startswith("/ac/"):
        return "ac"
    return None


def _token_ok(supplied: str | None, accepted: Collection[str] | None) -> bool:
    if not supplied:
        return False
    return accepted is None or supplied in accepted


def create_sandbox_app(
    *,
    latency_ms: float = 0,
    error_rate: float = 0.0,
    ac_rate_limit: float | None = None,
    seed: Mapping[str, Any] | None = None,
    rng_seed: int | None = None,
    groove_tokens: Collection[str] | None = None,
    ac_tokens: Collection[str] | None = None,
    ac_retry_after: float = AC_RETRY_AFTER,
    ac_limit_503_share: float = AC_LIMIT_503_SHARE,
    groove_rate_limit: float | None = None,
    groove_retry_after: float = GROOVE_RETRY_AFTER,
) -> Flask:
    """A fresh sandbox. `groove_tokens` / `ac_tokens`: accepted tokens (None = any non-empty one).

    `ac_rate_limit` / `groove_rate_limit`: requests per second per account (None: unlimited); over it a
    429 with `Retry-After: ac_retry_after` (default 30 s, AC's documented example) / `groove_retry_after`."""
    app = Flask("goodwill_sandbox")
    assert isinstance(app.json, DefaultJSONProvider)  # Flask's own; nothing here configures another
    app.json.sort_keys = False
    store = SandboxStore()
    store.seed(seed)
    faults = _Faults(
        latency_ms,
        error_rate,
        ac_rate_limit,
        rng_seed,
        ac_retry_after=ac_retry_after,
        ac_limit_503_share=ac_limit_503_share,
        groove_rate_limit=groove_rate_limit,
        groove_retry_after=groove_retry_after,
    )
    startup_seed = json.loads(json.dumps(seed)) if seed else None
    app.config.update(SANDBOX_STORE=store, SANDBOX_FAULTS=faults)
    app.register_blueprint(groove_api.bp)
    app.register_blueprint(ac_api.bp)

    @app.before_request
    def vendor_gate() -> Response | tuple[Any, int] | None:
        vendor = _vendor_of(request.path)
        g.vendor = vendor
        g.arrived = time.time()
        if vendor is None:
            return None
        if faults.latency:
            time.sleep(faults.latency)
        if vendor == "groove":
            auth = request.headers.get("Authorization", "")
            token = auth[7:].strip() if auth.lower().startswith("bearer ") else request.args.get("access_token")
            if not _token_ok(token, groove_tokens):
                return jsonify({"message": "Unauthorized"}), 401
        elif not _token_ok(request.headers.get("Api-Token"), ac_tokens):
            return jsonify({"message": "Forbidden"}), 403
        verdict = faults.check_limit(vendor)
        g.limit = verdict
        if verdict.status is not None:
            message = "Too Many Requests" if verdict.status == 429 else "Service Unavailable"
            response = jsonify({"message": message})
            response.status_code = verdict.status
            if verdict.retry_after is not None:
                response.headers["Retry-After"] = f"{verdict.retry_after:g}"
            return response
        status = faults.injected_error()
        if status is not None:
            return jsonify({"message": "Sandbox injected failure"}), status
        return None

    @app.after_request
    def log_vendor_request(response: Response) -> Response:
        vendor = getattr(g, "vendor", None)
        if vendor is not None:
            verdict: Verdict | None = getattr(g, "limit", None)
            if vendor == "ac" and verdict is not None and verdict.limit is not None:
                # AC's documented headers ("RateLimit-Limit: 5", "RateLimit-Remaining: 3"); it documents no reset header.
                response.headers["RateLimit-Limit"] = str(verdict.limit)
                response.headers["RateLimit-Remaining"] = str(verdict.remaining if verdict.remaining is not None else 0)
            path = request.path.removeprefix("/groove").removeprefix("/ac/api/3")
            store.record_request(
                vendor,
                request.method,
                path,
                response.status_code,
                getattr(g, "arrived", time.time()),
                in_retry_after=verdict.window_age if verdict is not None else None,
            )
        return response

    # -- admin ---------------------------------------------------------------------------------
    @app.get("/_sandbox/state")
    def state() -> ResponseReturnValue:
        since = request.args.get("since", type=float)
        return jsonify(store.snapshot(since))

    @app.get("/_sandbox/faults")
    def faults_now() -> ResponseReturnValue:
        return jsonify(faults.settings())

    @app.post("/_sandbox/faults")
    def change_faults() -> ResponseReturnValue:
        body = request.get_json(silent=True, force=True)
        if not isinstance(body, dict):
            return jsonify({"error": "faults must be a JSON object"}), 400
        try:
            faults.update(body)
        except (TypeError, ValueError) as exc:
            return jsonify({"error": f"invalid faults: {exc}"}), 400
        return jsonify(faults.settings())

    @app.post("/_sandbox/seed")
    def seed_more() -> ResponseReturnValue:
        body = request.get_json(silent=True, force=True)
        if not isinstance(body, dict):
            return jsonify({"error": "seed must be a JSON object"}), 400
        try:
            store.seed(body)
        except (KeyError, TypeError, ValueError) as exc:
            return jsonify({"error": f"invalid seed: {exc!r}"}), 400
        return jsonify({"ok": True})

    @app.post("/_sandbox/reset")
    def reset() -> ResponseReturnValue:
        body = request.get_json(silent=True, force=True) or {}
        store.reset()
        store.seed(None if body.get("empty") else startup_seed)
        return jsonify({"ok": True})

    @app.post("/_sandbox/tickets/<int:number>/customer_reply")
    def customer_reply(number: int) -> ResponseReturnValue:
        body = request.get_json(silent=True, force=True) or {}
        with store.lock:
            ticket = store.tickets.get(number)
            if ticket is None:
                return jsonify({"error": f"no ticket {number}"}), 404
            message = store.add_message(
                number,
                body=str(body.get("body") or "<p>Kundenantwort</p>"),
                author_email=ticket["customer_email"],
                attachments=body.get("attachments") or [],
            )
            webhook = message_webhook(store, message, request.host_url)
        return jsonify({"message_id": message["id"], "event": "customer_replied", "webhook": webhook}), 201

    @app.get("/_sandbox/webhooks/ticket_started/<int:number>")
    def ticket_started(number: int) -> ResponseReturnValue:
        """The body Groove would POST for `ticket_started` on this ticket (send it to the worker)."""
        with store.lock:
            ticket = store.tickets.get(number)
            if ticket is None:
                return jsonify({"error": f"no ticket {number}"}), 404
            return jsonify(ticket_webhook(store, ticket, request.host_url))

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # tests: no access log on stderr
        return None


@dataclass
class RunningSandbox:
    """A sandbox served from a background thread (tests, demo)."""

    server: BaseWSGIServer
    thread: threading.Thread
    app: Flask

    @property
    def port(self) -> int:
        return self.server.server_port

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.port}"

    @property
    def groove_base_url(self) -> str:
        return f"{self.url}/groove"

    @property
    def ac_base_url(self) -> str:
        return f"{self.url}/ac"

    @property
    def store(self) -> SandboxStore:
        return cast(SandboxStore, self.app.config["SANDBOX_STORE"])

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_sandbox(host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True, **options: Any) -> RunningSandbox:
    """Start on a background thread (port 0 = a free port) and return at once; call .stop()."""
    app = create_sandbox_app(**options)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler if quiet else None)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="goodwill-sandbox", daemon=True
    )
    thread.start()
    return RunningSandbox(server=server, thread=thread, app=app)


def serve(host: str = "127.0.0.1", port: int = 8765, *, quiet: bool = False, **options: Any) -> None:
    """Serve in the foreground until interrupted (`goodwill sandbox`); logs each request unless quiet."""
    app = create_sandbox_app(**options)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler if quiet else None)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def load_seed_file(path: str | Path) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a seed must be a JSON object")
    return data
