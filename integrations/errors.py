"""One error family for every vendor call, so callers never handle `requests` exceptions.

The task layer decides "retry later" vs "give up" with `is_retryable`; it never inspects
HTTP details itself. Messages never contain tokens (the request helper redacts them).
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A vendor call failed. `status` is the HTTP status, or None when no response arrived."""

    def __init__(
        self,
        vendor: str,
        status: int | None,
        message: str,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        self.vendor = vendor
        self.status = status
        self.message = message
        self.body = body
        self.retry_after = retry_after
        super().__init__(self.__str__())

    def __str__(self) -> str:
        status = f" {self.status}" if self.status is not None else ""
        return f"{self.vendor}{status}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:  # keep the exception picklable (Celery serialises failures)
        return (type(self), (self.vendor, self.status, self.message, self.body, self.retry_after))


class ApiTimeout(ApiError):
    """Connect or read timeout: the request may or may not have reached the vendor."""


class ApiConnectionError(ApiError):
    """DNS failure, refused or reset connection, TLS error."""


class ApiRateLimited(ApiError):
    """429 (or AC's 503 at the account limit). `retry_after` is in seconds when the vendor said so."""


class ApiUnauthorized(ApiError):
    """401/403: the token is wrong, expired or lacks permission. Retrying will not help."""


class ApiNotFound(ApiError):
    """404: the ticket, customer, contact … does not exist."""


class ApiClientError(ApiError):
    """Any other 4xx (400, 409, 422, …): our request is wrong; permanent."""


class ApiServerError(ApiError):
    """5xx: the vendor failed; usually transient."""


class ApiProtocolError(ApiError):
    """A 2xx whose body is not what the API documents (not JSON, missing keys, GraphQL errors)."""


class RateLimitTimeout(ApiError):
    """Our own limiter could not hand out a slot within the caller's timeout.

    Nothing was sent. `retry_after` estimates when a slot (or the end of a pause) is due,
    so a task can re-schedule itself with that countdown instead of blocking a worker slot.
    """

    def __init__(self, vendor: str, message: str = "no rate-limit slot", retry_after: float | None = None) -> None:
        super().__init__(vendor, None, message, None, retry_after)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.vendor, self.message, self.retry_after))


class InvalidPayload(ValueError):
    """An incoming webhook body we cannot use (not JSON, no ticket number …)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


_RETRYABLE = (ApiTimeout, ApiConnectionError, ApiRateLimited, ApiServerError, RateLimitTimeout)
# 408 Request Timeout is the one 4xx that says "try again", not "your request is wrong".
_RETRYABLE_CLIENT_STATUSES = frozenset({408})


def is_retryable(exc: BaseException) -> bool:
    """True for transient failures (timeouts, connection errors, 5xx, 429, our limiter timeout)."""
    if isinstance(exc, _RETRYABLE):
        return True
    return isinstance(exc, ApiClientError) and exc.status in _RETRYABLE_CLIENT_STATUSES


def retry_after_seconds(exc: BaseException) -> float | None:
    """The vendor's (or our limiter's) hint in seconds, if any."""
    if isinstance(exc, ApiError) and exc.retry_after is not None:
        return max(0.0, float(exc.retry_after))
    return None
