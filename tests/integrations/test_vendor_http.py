from __future__ import annotations

import json

import pytest
import requests
import responses
from responses.registries import OrderedRegistry
from vendor_testkit import FAST, RecordingLimiter, load_fixture

from integrations.errors import (
    ApiClientError,
    ApiConnectionError,
    ApiNotFound,
    ApiProtocolError,
    ApiRateLimited,
    ApiServerError,
    ApiTimeout,
    ApiUnauthorized,
)
from integrations.http import HttpSettings, JsonHttp, parse_retry_after

TOKEN = "tok-SECRET-123"
BASE = "https://acct.api-us1.com/api/3"


def make_http(limiter=None, on_request=None, settings=FAST, rate_limit_statuses=(429, 503), vendor="ac"):
    return JsonHttp(
        vendor=vendor,
        base_url=BASE,
        auth_headers={"Api-Token": TOKEN},
        secrets=(TOKEN,),
        settings=settings,
        limiter=limiter,
        on_request=on_request,
        rate_limit_statuses=rate_limit_statuses,
    )


@responses.activate
def test_every_call_carries_connect_and_read_timeouts():
    responses.get(f"{BASE}/tags", json={"tags": []})
    responses.post(f"{BASE}/tags", json={"tag": {"id": "1"}}, status=201)
    http = make_http(settings=HttpSettings(connect_timeout=3.0, read_timeout=11.0))
    http.request("GET", "/tags")
    http.request("POST", "/tags", json={"tag": {"tag": "x"}})
    assert [c.request.req_kwargs["timeout"] for c in responses.calls] == [(3.0, 11.0), (3.0, 11.0)]


def test_the_default_timeouts_are_five_and_twenty_seconds():
    assert HttpSettings().timeout == (5.0, 20.0)


@responses.activate
def test_a_slot_is_taken_from_the_limiter_before_each_request(limiter):
    responses.get(f"{BASE}/tags", json={"tags": []})
    http = make_http(limiter=limiter)
    http.request("GET", "/tags")
    http.request("GET", "/tags")
    assert limiter.acquired == [("ac", FAST.limiter_timeout)] * 2


AC_ERROR_SHAPES = [
    (403, "fieldValues_create.POST.403.json", ApiUnauthorized, "Forbidden"),
    (404, "contact_get.GET.404.json", ApiNotFound, "No Result found for Subscriber with id 1"),
    (404, "contactTags_create.POST.404.json", ApiNotFound, "Not Found (Contact not found)"),
    (422, "contacts_create.POST.422.json", ApiClientError, "Email address already exists in the system"),
    (422, "contactTags_create.POST.422.json", ApiClientError, "Missing attribute"),
    (
        422,
        "recorded__POST.422.example.singer-tap-activecampaign.json",
        ApiClientError,
        "The connection service was not provided.; The connection externalid was not provided.",
    ),
    (
        400,
        "recorded__tags_create.POST.duplicate-error.verbb-formie-1389.json",
        ApiClientError,
        "Could not process request: Duplicate entry 'contact-TEST' for key 'typetag'",
    ),
]


@pytest.mark.parametrize("status,fixture,exc_type,text", AC_ERROR_SHAPES, ids=[s[1] for s in AC_ERROR_SHAPES])
@responses.activate
def test_each_activecampaign_error_shape_maps_to_its_error_with_the_vendor_message(status, fixture, exc_type, text):
    body = load_fixture("activecampaign", fixture)
    responses.post(f"{BASE}/anything", json=body, status=status)
    with pytest.raises(exc_type) as info:
        make_http().request("POST", "/anything", json={})
    assert info.value.status == status
    assert text in info.value.message
    assert info.value.body == body


@pytest.mark.parametrize(
    "status,exc_type",
    [
        (400, ApiClientError),
        (401, ApiUnauthorized),
        (403, ApiUnauthorized),
        (404, ApiNotFound),
        (409, ApiClientError),
        (422, ApiClientError),
        (429, ApiRateLimited),
        (500, ApiServerError),
        (502, ApiServerError),
        (504, ApiServerError),
    ],
)
@responses.activate
def test_each_status_maps_to_its_error_class(status, exc_type):
    responses.post(f"{BASE}/x", json={"message": "m"}, status=status)
    with pytest.raises(exc_type):
        make_http(rate_limit_statuses=(429,)).request("POST", "/x", json={})


@responses.activate
def test_a_503_from_activecampaign_counts_as_rate_limited_but_from_groove_as_a_server_error():
    responses.post(f"{BASE}/x", body="Service Unavailable", status=503)
    with pytest.raises(ApiRateLimited):
        make_http(rate_limit_statuses=(429, 503)).request("POST", "/x")
    with pytest.raises(ApiServerError):
        make_http(rate_limit_statuses=(429,), vendor="groove").request("POST", "/x")


@responses.activate
def test_retry_after_on_429_pauses_the_whole_vendor_in_the_limiter(limiter):
    responses.post(f"{BASE}/x", json={}, status=429, headers={"Retry-After": "30"})
    with pytest.raises(ApiRateLimited) as info:
        make_http(limiter=limiter).request("POST", "/x")
    assert info.value.retry_after == 30.0
    assert limiter.paused == [("ac", 30.0)]


@responses.activate
def test_a_429_without_retry_after_pauses_for_the_default_second(limiter):
    responses.post(f"{BASE}/x", json={}, status=429)
    with pytest.raises(ApiRateLimited) as info:
        make_http(limiter=limiter).request("POST", "/x")
    assert info.value.retry_after is None
    assert limiter.paused == [("ac", 1.0)]


@responses.activate
def test_a_groove_503_with_retry_after_also_pauses_the_vendor(limiter):
    responses.post(f"{BASE}/x", json={}, status=503, headers={"Retry-After": "4"})
    with pytest.raises(ApiServerError) as info:
        make_http(limiter=limiter, vendor="groove", rate_limit_statuses=(429,)).request("POST", "/x")
    assert info.value.retry_after == 4.0
    assert limiter.paused == [("groove", 4.0)]


def test_retry_after_accepts_seconds_and_http_dates():
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@responses.activate(registry=OrderedRegistry)
def test_an_idempotent_get_is_retried_after_a_transient_failure():
    responses.get(f"{BASE}/tags", status=503, json={})
    responses.get(f"{BASE}/tags", status=500, json={})
    responses.get(f"{BASE}/tags", json={"tags": [{"id": "1"}]})
    assert make_http().request("GET", "/tags") == {"tags": [{"id": "1"}]}
    assert len(responses.calls) == 3


@responses.activate(registry=OrderedRegistry)
def test_a_get_gives_up_after_the_configured_attempts():
    for _ in range(3):
        responses.get(f"{BASE}/tags", status=502, json={})
    with pytest.raises(ApiServerError):
        make_http().request("GET", "/tags")
    assert len(responses.calls) == 3


@responses.activate
def test_a_get_is_not_retried_after_a_permanent_error():
    responses.get(f"{BASE}/contacts/9", status=404, json={"message": "No Result found for Subscriber with id 9"})
    with pytest.raises(ApiNotFound):
        make_http().request("GET", "/contacts/9")
    assert len(responses.calls) == 1


@responses.activate
def test_a_get_is_not_retried_inline_when_retry_after_is_long(limiter):
    responses.get(f"{BASE}/tags", status=429, json={}, headers={"Retry-After": "30"})
    with pytest.raises(ApiRateLimited):
        make_http(limiter=limiter).request("GET", "/tags")
    assert len(responses.calls) == 1


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@responses.activate
def test_writes_are_never_retried_inside_the_client(method):
    responses.add(method, f"{BASE}/x", status=500, json={})
    with pytest.raises(ApiServerError):
        make_http().request(method, "/x", json={"a": 1})
    assert len(responses.calls) == 1


@responses.activate
def test_timeouts_and_connection_errors_become_api_errors_not_requests_exceptions():
    responses.get(f"{BASE}/slow", body=requests.ReadTimeout("read timed out"))
    responses.get(f"{BASE}/down", body=requests.ConnectionError("refused"))
    http = make_http(settings=HttpSettings(get_attempts=1))
    with pytest.raises(ApiTimeout) as slow:
        http.request("GET", "/slow")
    with pytest.raises(ApiConnectionError) as down:
        http.request("GET", "/down")
    assert not isinstance(slow.value, requests.RequestException)
    assert slow.value.__cause__ is None and down.value.__cause__ is None


@responses.activate
def test_the_token_never_appears_in_an_exception_even_when_the_vendor_echoes_it():
    responses.post(f"{BASE}/x", json={"message": f"bad key {TOKEN}"}, status=403)
    responses.get(f"{BASE}/y", body=requests.ConnectionError(f"proxy said {TOKEN}"))
    http = make_http(settings=HttpSettings(get_attempts=1))
    with pytest.raises(ApiUnauthorized) as info:
        http.request("POST", "/x")
    assert TOKEN not in str(info.value) and TOKEN not in repr(info.value.args)
    with pytest.raises(ApiConnectionError) as info2:
        http.request("GET", "/y")
    assert TOKEN not in str(info2.value)


@responses.activate
def test_the_auth_header_is_sent_and_json_bodies_are_json():
    responses.post(f"{BASE}/tags", json={"tag": {"id": "1"}}, status=201)
    make_http().request("POST", "/tags", json={"tag": {"tag": "Ä"}})
    request = responses.calls[0].request
    assert request.headers["Api-Token"] == TOKEN
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"tag": {"tag": "Ä"}}


@responses.activate
def test_a_2xx_that_is_not_json_is_a_protocol_error():
    responses.get(f"{BASE}/tags", body="<html>maintenance</html>", status=200)
    with pytest.raises(ApiProtocolError):
        make_http().request("GET", "/tags")


@responses.activate
def test_an_empty_2xx_body_is_an_empty_object():
    responses.delete(f"{BASE}/contactTags/1", body="", status=200)
    assert make_http().request("DELETE", "/contactTags/1") == {}


@responses.activate
def test_the_counter_hook_sees_vendor_method_route_and_status_for_every_attempt():
    seen = []
    responses.get(f"{BASE}/contacts/5/fieldValues", status=500, json={})
    responses.get(f"{BASE}/contacts/5/fieldValues", json={"fieldValues": []})
    responses.get(f"{BASE}/down", body=requests.ConnectionError("x"))
    http = make_http(
        on_request=lambda *a: seen.append(a),
        settings=HttpSettings(get_attempts=2, retry_initial_wait=0.001, retry_max_wait=0.001),
    )
    http.request("GET", "/contacts/5/fieldValues", route="/contacts/{id}/fieldValues")
    with pytest.raises(ApiConnectionError):
        http.request("GET", "/down")
    assert seen[:2] == [
        ("ac", "GET", "/contacts/{id}/fieldValues", 500),
        ("ac", "GET", "/contacts/{id}/fieldValues", 200),
    ]
    assert seen[2:] == [("ac", "GET", "/down", 0), ("ac", "GET", "/down", 0)]


@responses.activate
def test_a_broken_counter_hook_never_fails_the_request():
    responses.get(f"{BASE}/tags", json={"tags": []})

    def broken(*_):
        raise RuntimeError("metrics down")

    assert make_http(on_request=broken).request("GET", "/tags") == {"tags": []}


def test_a_limiter_timeout_is_not_retried_and_sends_nothing():
    from integrations.errors import RateLimitTimeout

    class Exhausted(RecordingLimiter):
        def acquire(self, vendor, timeout):
            super().acquire(vendor, timeout)
            raise RateLimitTimeout(vendor, retry_after=5.0)

    limiter = Exhausted()
    with responses.RequestsMock() as mock:
        with pytest.raises(RateLimitTimeout):
            make_http(limiter=limiter).request("GET", "/tags")
        assert len(mock.calls) == 0
    assert len(limiter.acquired) == 1


def test_inside_a_waiting_budget_requests_stop_waiting_for_slots_once_it_is_spent():
    import time

    from integrations.errors import RateLimitTimeout
    from integrations.http import waiting_budget
    from integrations.ratelimit import LocalRateLimiter

    limiter = LocalRateLimiter({"ac": 1})  # one request per second
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/tags", json={"tags": []})
        http = make_http(limiter=limiter)
        with waiting_budget(0.0):  # a task attempt whose waiting time is used up
            http.request("GET", "/tags")  # a free slot: it goes out
            started = time.monotonic()
            with pytest.raises(RateLimitTimeout) as info:
                http.request("GET", "/tags")  # would wait ~1 s for the next slot: refused at once
            assert time.monotonic() - started < 0.1 and 0.5 < info.value.retry_after <= 1.0
        assert len(mock.calls) == 1
        limiter_free = LocalRateLimiter({"ac": 1})
        make_http(limiter=limiter_free).request("GET", "/tags")
        started = time.monotonic()
        make_http(limiter=limiter_free).request("GET", "/tags")  # outside a budget: the slot is waited for
        assert time.monotonic() - started >= 0.4
