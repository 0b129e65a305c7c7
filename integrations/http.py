"""The one request helper behind both vendor clients.

Every call: takes a rate-limit slot, uses `timeout=(connect, read)`, maps failures to the
`integrations.errors` family, honours Retry-After by pausing the whole vendor in the shared
limiter, and reports (vendor, method, route, status) to an optional counter hook.
Only idempotent GETs are retried here (a few quick tries); POST/PUT/DELETE are never retried
inside the client — the task-level retry plus the pipeline's exactly-once checks handle those.

Nothing here sleeps out a long Retry-After: a GET is retried inline only when the vendor's hint is
at most `max_inline_retry_after` (2 s) — the backoff waits at most `retry_max_wait`, and the
limiter then holds the request until the (short) pause ends. A longer Retry-After is raised as
`ApiRateLimited` with the hint, and the limiter built by the worker (`max_pause_wait` = the same
2 s) refuses every other request of that vendor at once with `RateLimitTimeout` until the pause
ends; the task layer re-schedules either with a countdown of at least the hint (worker/jobs/base.py).
Nor does a request wait longer than `limiter_timeout` (5 s) for a slot of the vendor's budget: then
`RateLimitTimeout` re-schedules the task for when one is due, and the worker slot is free meanwhile.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import requests
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from integrations.errors import (
    ApiClientError,
    ApiConnectionError,
    ApiError,
    ApiNotFound,
    ApiProtocolError,
    ApiRateLimited,
    ApiServerError,
    ApiTimeout,
    ApiUnauthorized,
    RateLimitTimeout,
    is_retryable,
    retry_after_seconds,
)
from integrations.ratelimit import NoRateLimiter, RateLimiter

log = logging.getLogger(__name__)

# (vendor, method, route template, status); status 0 = no HTTP response (timeout / connection error).
RequestHook = Callable[[str, str, str, int], None]

# Set by `waiting_budget`: the moment after which no request of this unit of work waits for a slot.
_wait_until: ContextVar[float | None] = ContextVar("goodwill_wait_until", default=None)


@contextmanager
def waiting_budget(seconds: float) -> Iterator[None]:
    """Inside, requests wait for rate-limit slots only during the first `seconds`; later a request that
    would have to wait raises `RateLimitTimeout` at once (one that finds a free slot still goes out).

    The task base wraps each attempt in it, so an attempt never holds its worker slot long waiting for
    a vendor's budget, however many calls it makes: it is re-scheduled for when a slot is due."""
    token = _wait_until.set(time.monotonic() + max(0.0, seconds))
    try:
        yield
    finally:
        _wait_until.reset(token)


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    get_attempts: int = 3  # total tries for a GET (1 = no retry inside the client)
    retry_initial_wait: float = 0.25
    retry_max_wait: float = 2.0
    # A Retry-After longer than this is not waited out inside the client: the task re-schedules.
    # (The worker's limiter gets the same value as max_pause_wait: worker/bootstrap.py.)
    max_inline_retry_after: float = 2.0
    # The longest a request waits for a slot of the vendor's budget inside a task (a worker slot held
    # meanwhile); beyond it RateLimitTimeout re-schedules the task for when a slot is due.
    limiter_timeout: float = 5.0
    default_pause: float = 1.0  # pause after a 429 that carries no Retry-After
    user_agent: str = "goodwill-triage/0.1"

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After is delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def error_message_from_body(body: Any, fallback: str) -> str:
    """Human message from the vendors' error shapes.

    AC uses three: {"message": ...}; {"errors": [{"title","detail","status","source"}]};
    {"message": "Could not process request", "error": "Duplicate entry ..."}. GraphQL uses
    {"errors": [{"message": ...}]}. Anything else → a short text snippet.
    """
    if isinstance(body, Mapping):
        message = body.get("message")
        detail = body.get("error")
        if isinstance(message, str) and message:
            return f"{message}: {detail}" if isinstance(detail, str) and detail else message
        if isinstance(detail, str) and detail:
            return detail
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            parts = []
            for item in errors:
                if isinstance(item, Mapping):
                    title = item.get("title") or item.get("message") or ""
                    extra = item.get("detail") or ""
                    text = f"{title} ({extra})" if title and extra else (title or extra)
                    if text:
                        parts.append(str(text))
                elif isinstance(item, str):
                    parts.append(item)
            if parts:
                return "; ".join(parts)
    if isinstance(body, str) and body.strip():
        return body.strip()[:200]
    return fallback


def classify_status(
    vendor: str,
    status: int,
    message: str,
    body: Any,
    retry_after: float | None,
    rate_limit_statuses: Collection[int] = (429,),
) -> ApiError:
    if status in rate_limit_statuses:
        return ApiRateLimited(vendor, status, message, body, retry_after)
    if status in (401, 403):
        return ApiUnauthorized(vendor, status, message, body)
    if status == 404:
        return ApiNotFound(vendor, status, message, body)
    if status == 408:
        return ApiClientError(vendor, status, message, body, retry_after)
    if 400 <= status < 500:
        return ApiClientError(vendor, status, message, body, retry_after)
    if status >= 500:
        return ApiServerError(vendor, status, message, body, retry_after)
    return ApiProtocolError(vendor, status, f"unexpected status: {message}", body)


def _backoff(settings: HttpSettings) -> wait_exponential_jitter:
    base, cap = settings.retry_initial_wait, settings.retry_max_wait
    try:  # tenacity >= 9.2 renamed `initial` to `multiplier`
        return wait_exponential_jitter(multiplier=base, max=cap, jitter=base)
    except TypeError:
        return wait_exponential_jitter(initial=base, max=cap, jitter=base)


class JsonHttp:
    """JSON-over-HTTP for one vendor account (one session, one base URL, one set of auth headers)."""

    def __init__(
        self,
        *,
        vendor: str,
        base_url: str,
        auth_headers: Mapping[str, str],
        secrets: Sequence[str] = (),
        settings: HttpSettings | None = None,
        limiter: RateLimiter | None = None,
        on_request: RequestHook | None = None,
        session: requests.Session | None = None,
        rate_limit_statuses: Collection[int] = (429,),
        status_messages: Mapping[int, str] | None = None,
    ) -> None:
        self.vendor = vendor
        self.base_url = base_url.rstrip("/")
        self.settings = settings or HttpSettings()
        self.limiter = limiter or NoRateLimiter()
        self.on_request = on_request
        # Very short "tokens" (tests, sandbox) would redact ordinary letters; real keys are long.
        self._secrets = tuple(s for s in secrets if s and len(s) >= 6)
        self._rate_limit_statuses = frozenset(rate_limit_statuses)
        self._status_messages = dict(status_messages or {})
        self.session = session or requests.Session()
        self._headers = {
            "Accept": "application/json",
            "User-Agent": self.settings.user_agent,
            **auth_headers,
        }

    # -- public -----------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        route: str | None = None,
    ) -> Any:
        """Send one request (GETs: with a few quick retries) and return the parsed JSON body."""
        method = method.upper()
        route = route or path
        if method != "GET" or self.settings.get_attempts <= 1:
            return self._send_once(method, path, params, json, route)

        def should_retry(exc: BaseException) -> bool:
            if isinstance(exc, RateLimitTimeout) or not is_retryable(exc):
                return False  # our limiter already waited as long as the caller allows
            hint = retry_after_seconds(exc)
            return hint is None or hint <= self.settings.max_inline_retry_after

        retrying = Retrying(
            retry=retry_if_exception(should_retry),
            wait=_backoff(self.settings),
            stop=stop_after_attempt(self.settings.get_attempts),
            reraise=True,
        )
        return retrying(self._send_once, method, path, params, json, route)

    # -- internals --------------------------------------------------------------------------
    def _limiter_timeout(self) -> float:
        until = _wait_until.get()
        if until is None:
            return self.settings.limiter_timeout
        return max(0.0, min(self.settings.limiter_timeout, until - time.monotonic()))

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _count(self, method: str, route: str, status: int) -> None:
        if self.on_request is None:
            return
        try:
            self.on_request(self.vendor, method, route, status)
        except Exception:  # a metrics bug must never fail a vendor call
            log.exception("request counter hook failed")

    def _send_once(self, method: str, path: str, params: Any, body: Any, route: str) -> Any:
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"
        self.limiter.acquire(self.vendor, self._limiter_timeout())
        started = time.monotonic()
        try:
            response = self.session.request(
                method, url, params=params, json=body, headers=self._headers, timeout=self.settings.timeout
            )
        except requests.Timeout as exc:
            self._count(method, route, 0)
            raise ApiTimeout(self.vendor, None, f"{method} {route}: timed out ({type(exc).__name__})") from None
        except requests.RequestException as exc:
            self._count(method, route, 0)
            detail = self._redact(f"{type(exc).__name__}: {exc}")[:300]
            raise ApiConnectionError(self.vendor, None, f"{method} {route}: {detail}") from None
        status = response.status_code
        self._count(method, route, status)
        log.debug("%s %s %s → %s in %.0f ms", self.vendor, method, route, status, (time.monotonic() - started) * 1000)
        return self._handle(method, route, response)

    def _handle(self, method: str, route: str, response: requests.Response) -> Any:
        status = response.status_code
        parsed: Any
        text = response.text or ""
        try:
            parsed = response.json() if text.strip() else {}
        except ValueError:
            parsed = None

        if 200 <= status < 300:
            if parsed is None:
                raise ApiProtocolError(
                    self.vendor, status, f"{method} {route}: response is not JSON", self._redact(text[:500])
                )
            return parsed

        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if status in self._rate_limit_statuses or (status == 503 and retry_after is not None):
            # The whole account is over budget: stop every process from sending until then.
            self.limiter.pause(self.vendor, retry_after if retry_after is not None else self.settings.default_pause)

        error_body = parsed if parsed is not None else self._redact(text[:500])
        vendor_message = self._redact(error_message_from_body(error_body, response.reason or "error"))
        prefix = self._status_messages.get(status)
        message = f"{method} {route}: {prefix + ' — ' if prefix else ''}{vendor_message}"
        raise classify_status(self.vendor, status, message, error_body, retry_after, self._rate_limit_statuses)
