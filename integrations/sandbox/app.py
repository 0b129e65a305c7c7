"""The sandbox Flask app: Groove under /groove, ActiveCampaign under /ac, admin under /_sandbox.

Faults (vendor requests only; admin requests are never delayed, failed or logged):
  auth (401 Groove / 403 AC) → AC sliding-window limit (429 + Retry-After: 1) → random 500/503
  → the real handler. `latency_ms` is slept before any of that.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from integrations.sandbox import ac_api, groove_api
from integrations.sandbox.store import SandboxStore
from integrations.sandbox.webhooks import message_webhook, ticket_webhook


class _Faults:
    def __init__(self, latency_ms: float, error_rate: float, ac_rate_limit: int | None, rng_seed: int | None) -> None:
        if not 0.0 <= error_rate <= 1.0:
            raise ValueError("error_rate must be within 0..1")
        self.latency = max(0.0, latency_ms) / 1000.0
        self.error_rate = error_rate
        self.ac_rate_limit = ac_rate_limit if ac_rate_limit and ac_rate_limit > 0 else None
        self._rng = random.Random(rng_seed)
        self._admitted: deque[float] = deque()  # AC requests let through in the last second
        self._lock = threading.Lock()

    def ac_over_limit(self) -> bool:
        if self.ac_rate_limit is None:
            return False
        with self._lock:
            now = time.monotonic()
            while self._admitted and self._admitted[0] <= now - 1.0:
                self._admitted.popleft()
            if len(self._admitted) >= self.ac_rate_limit:
                return True
            self._admitted.append(now)
            return False

    def injected_error(self) -> int | None:
        if self.error_rate <= 0.0:
            return None
        with self._lock:
            if self._rng.random() < self.error_rate:
                return self._rng.choice((500, 503))
        return None


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
    ac_rate_limit: int | None = None,
    seed: Mapping[str, Any] | None = None,
    rng_seed: int | None = None,
    groove_tokens: Collection[str] | None = None,
    ac_tokens: Collection[str] | None = None,
) -> Flask:
    """A fresh sandbox. `groove_tokens` / `ac_tokens`: accepted tokens (None = any non-empty one)."""
    app = Flask("goodwill_sandbox")
    app.json.sort_keys = False
    store = SandboxStore()
    store.seed(seed)
    faults = _Faults(latency_ms, error_rate, ac_rate_limit, rng_seed)
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
        else:
            if not _token_ok(request.headers.get("Api-Token"), ac_tokens):
                return jsonify({"message": "Forbidden"}), 403
            if faults.ac_over_limit():
                response = jsonify({"message": "Too Many Requests"})
                response.status_code = 429
                response.headers["Retry-After"] = "1"
                return response
        status = faults.injected_error()
        if status is not None:
            return jsonify({"message": "Sandbox injected failure"}), status
        return None

    @app.after_request
    def log_vendor_request(response: Response) -> Response:
        vendor = getattr(g, "vendor", None)
        if vendor is not None:
            path = request.path.removeprefix("/groove").removeprefix("/ac/api/3")
            store.record_request(vendor, request.method, path, response.status_code, getattr(g, "arrived", time.time()))
        return response

    # -- admin ---------------------------------------------------------------------------------
    @app.get("/_sandbox/state")
    def state():
        since = request.args.get("since", type=float)
        return jsonify(store.snapshot(since))

    @app.post("/_sandbox/seed")
    def seed_more():
        body = request.get_json(silent=True, force=True)
        if not isinstance(body, dict):
            return jsonify({"error": "seed must be a JSON object"}), 400
        try:
            store.seed(body)
        except (KeyError, TypeError, ValueError) as exc:
            return jsonify({"error": f"invalid seed: {exc!r}"}), 400
        return jsonify({"ok": True})

    @app.post("/_sandbox/reset")
    def reset():
        body = request.get_json(silent=True, force=True) or {}
        store.reset()
        store.seed(None if body.get("empty") else startup_seed)
        return jsonify({"ok": True})

    @app.post("/_sandbox/tickets/<int:number>/customer_reply")
    def customer_reply(number: int):
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
    def ticket_started(number: int):
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
        return self.app.config["SANDBOX_STORE"]

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
