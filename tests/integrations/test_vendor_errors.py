from __future__ import annotations

import pickle

import pytest

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

RETRY_TABLE = [
    (ApiTimeout("ac", None, "read timed out"), True),
    (ApiConnectionError("groove", None, "connection refused"), True),
    (ApiRateLimited("ac", 429, "slow down", retry_after=2), True),
    (ApiRateLimited("ac", 503, "at the limit"), True),
    (ApiServerError("groove", 500, "boom"), True),
    (ApiServerError("groove", 502, "bad gateway"), True),
    (RateLimitTimeout("ac", retry_after=3.0), True),
    (ApiClientError("ac", 408, "request timeout"), True),
    (ApiUnauthorized("ac", 403, "Forbidden"), False),
    (ApiUnauthorized("groove", 401, "bad token"), False),
    (ApiNotFound("groove", 404, "no ticket"), False),
    (ApiClientError("ac", 422, "duplicate"), False),
    (ApiClientError("ac", 400, "bad"), False),
    (ApiProtocolError("groove", 200, "GraphQL errors"), False),
    (ValueError("not ours"), False),
]


@pytest.mark.parametrize(
    "exc,expected", RETRY_TABLE, ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v)
)
def test_transient_failures_are_retryable_and_permanent_ones_are_not(exc, expected):
    assert is_retryable(exc) is expected


def test_retry_after_comes_from_the_error_and_is_never_negative():
    assert retry_after_seconds(ApiRateLimited("ac", 429, "x", retry_after=30)) == 30.0
    assert retry_after_seconds(ApiRateLimited("ac", 429, "x", retry_after=-1)) == 0.0
    assert retry_after_seconds(ApiServerError("ac", 500, "x")) is None
    assert retry_after_seconds(RuntimeError("x")) is None


def test_every_api_error_survives_pickling_for_celery():
    for exc, _ in RETRY_TABLE:
        if isinstance(exc, ApiError):
            clone = pickle.loads(pickle.dumps(exc))
            assert type(clone) is type(exc)
            assert (clone.vendor, clone.status, clone.message, clone.retry_after) == (
                exc.vendor,
                exc.status,
                exc.message,
                exc.retry_after,
            )


def test_the_error_text_names_vendor_and_status():
    assert (
        str(ApiNotFound("groove", 404, "GET /tickets/{number}: not found"))
        == "groove 404: GET /tickets/{number}: not found"
    )
    assert str(ApiTimeout("ac", None, "timed out")) == "ac: timed out"
