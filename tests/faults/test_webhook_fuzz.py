"""Property-based fuzzing of both inbound hooks and of the UI's parameters: whatever arrives, never a
5xx and never a half-written row.

In-process (Flask test client) against the embedded broker, on SQLite and on PostgreSQL (which,
unlike SQLite, enforces column lengths, BIGINT range and refuses NUL characters in text).

- `POST /webhooks/groove/<secret>`: Groove-like bodies and junk, plus the hostile classes of issue 13:
  numbers of thousands of digits, 200,000 nested brackets, odd Unicode digits, control characters,
  bodies beyond the limits, chunked bodies (a terminated stream, as gunicorn hands it over).
  Every accepted webhook has exactly one inbox row; every rejected one none.
- `POST /events/usage-overrun/<secret>`: usage reports with the same classes (400-digit `usage_gb`,
  months in fullwidth digits, …). Accepted: one inbox row and one usage row; rejected: none.
- The UI (logged in): /decisions with hostile filters (huge and odd-digit numbers, year 1 and 9999,
  `_method` & co., control characters, raw bytes), /decisions/<id>, /service, /queue, /ofd and
  /login?next=…: never a 5xx; a refusal is a German page.

CI run: 300 Groove + 150 usage + 150 UI requests per database (1,200). Slow run (`-m slow`):
10,000 Groove + 3,000 usage + 3,000 UI requests per database (32,000). Each test prints a
"FAULT SUMMARY" line with its exact request count.
"""

from __future__ import annotations

import io
import json
import os
import string
from collections import Counter
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.ui.kit import login, make_users, seed_decision
from worker.app import create_app
from worker.config import load_settings
from worker.intake.edge import GROOVE_MAX_BODY_BYTES, USAGE_MAX_BODY_BYTES
from worker.store.db import session_scope, upgrade
from worker.store.models import InboxEvent, UsageMonthRecord

EVENTS = [
    "ticket_started",
    "customer_replied",
    "agent_replied",
    "note_added",
    "ticket_state_changed",
    "ticket_assigned",
    "customer_added",
    "agent_invited",
    "TICKET_STARTED",
    " ticket_started ",
]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/json",
    "text/plain",
    "multipart/form-data",
    "application/json; charset=latin-1",
    "",
]
KEYS = [
    "number",
    "ticket_number",
    "links",
    "ticket",
    "href",
    "id",
    "note",
    "body",
    "customer",
    "author",
    "plain_text_body",
    "created_at",
    "title",
    "state",
    "email",
]
STATUSES = {"received", "queued", "processing", "done", "failed", "ignored"}

# Header values travel as latin-1 on the wire; control characters are refused by the HTTP stack.
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=120)
digits = st.text(alphabet=string.digits + "٠١٢٣٤٥٦٧٨٩²³¹", min_size=1, max_size=30)
long_ids = st.text(alphabet=string.digits, min_size=60, max_size=130)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=2**62, max_value=2**80),
    st.integers(-5, 10**6),
    digits,
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.text(max_size=20),
)
hrefs = st.one_of(
    st.builds(lambda n: f"http://api.groovehq.com/v1/tickets/{n}", digits),
    st.builds(lambda n, m: f"https://api.groovehq.com/v1/tickets/{n}/messages/{m}", digits, digits),
    st.builds(lambda m: f"http://api.groovehq.com/v1/messages/{m}", st.one_of(digits, long_ids)),
    st.builds(lambda e: f"http://api.groovehq.com/v1/customers/{e}", st.text(max_size=40)),
    st.text(max_size=200),
)
leaves = st.one_of(numbers, hrefs, st.text(max_size=300))
json_values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=10)), children, max_size=6),
    ),
    max_leaves=25,
)
groove_like = st.fixed_dictionaries(
    {},
    optional={
        "number": numbers,
        "ticket_number": numbers,
        "href": hrefs,
        "id": st.one_of(digits, long_ids, numbers, st.text(max_size=150)),
        "note": st.one_of(st.booleans(), st.text(max_size=5)),
        "body": st.text(max_size=400),
        "links": st.dictionaries(
            st.sampled_from(["ticket", "author", "customer"]),
            st.one_of(st.fixed_dictionaries({"href": hrefs}), json_values),
            max_size=3,
        ),
        "ticket": st.one_of(st.fixed_dictionaries({"number": numbers}), json_values),
    },
)


def _encode(value: Any, ascii_only: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=True).encode("utf-8", "surrogatepass")


# -- the hostile classes (issue 13) -------------------------------------------------------------------
ODD_DIGITS = "٠١٢٣٤٥٦٧٨٩０１２３４５６７８９²³¹۴߃१௫๓"
CONTROL = "".join(map(chr, [*range(0, 32), 127, 0x85, 0x2028, 0x2029, 0x202E, 0xFEFF]))
huge_digits = st.builds(lambda n, d: d * n, st.integers(19, 5000), st.sampled_from("19"))
odd_digits = st.text(alphabet=ODD_DIGITS, min_size=1, max_size=12)
controls = st.text(alphabet=CONTROL, min_size=1, max_size=6)
hostile_text = st.one_of(
    huge_digits,
    odd_digits,
    st.builds(lambda a, b: a + b, st.text(string.digits, max_size=6), controls),
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=10), controls, st.text(max_size=10)),
)
hostile_numbers = st.one_of(
    huge_digits,  # as a string
    st.builds(int, st.builds(lambda n: "9" * n, st.integers(19, 4000))),  # as a JSON integer
    odd_digits,
    st.floats(allow_nan=True, allow_infinity=True),
)
raw_number = st.builds(lambda n: ("9" * n).encode(), st.integers(300, 5000))  # a JSON integer literal, unparsed


def _nested(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


nesting = st.builds(_nested, st.sampled_from([900, 1000, 5000, 200_000]), st.sampled_from(["list", "object"]))
hostile_groove = st.one_of(
    st.builds(lambda k, v: _encode({k: v}, False), st.sampled_from(["number", "ticket_number", "id"]), hostile_numbers),
    st.builds(
        lambda n, where: _encode(
            {"href": f"https://api.groovehq.com/v1/tickets/{n}"}
            if where == "href"
            else {"id": "1", "links": {"ticket": {"href": f"https://api.groovehq.com/v1/tickets/{n}"}}},
            False,
        ),
        st.one_of(huge_digits, odd_digits),
        st.sampled_from(["href", "links"]),
    ),
    st.builds(lambda n: b'{"number": ' + n + b"}", raw_number),
    nesting,
    st.builds(lambda inner: b'{"number": 5, "x": ' + inner + b"}", nesting),
    st.builds(lambda t: _encode({"number": 5, "title": t, "body": t}, False), hostile_text),
)
# A reply padded to a size: within the Groove limit (accepted) or one byte beyond it (413).
SIZES = [2 * 1024 * 1024, GROOVE_MAX_BODY_BYTES + 1]


def _padded(size: int, number: int) -> bytes:
    head = b'{"number": %d, "body": "' % number
    return head + b"a" * max(0, size - len(head) - 2) + b'"}'


oversized = st.builds(_padded, st.sampled_from(SIZES), st.integers(1, 10**6))

bodies = st.one_of(
    st.builds(_encode, groove_like, st.booleans()),
    st.builds(_encode, json_values, st.booleans()),
    st.binary(max_size=600),
    st.builds(lambda v, junk: _encode(v, False) + junk, groove_like, st.binary(min_size=1, max_size=8)),
    st.builds(lambda v: b"\xef\xbb\xbf" + _encode(v, False), groove_like),  # UTF-8 BOM
    st.builds(lambda s: s.encode("utf-8", "surrogatepass"), st.text(max_size=300)),
    hostile_groove,
    hostile_groove,  # twice: as likely as the other classes together
)
requests_ = st.fixed_dictionaries(
    {
        "event": st.one_of(
            st.sampled_from(EVENTS),
            header_text,
            st.builds(lambda e, pad: e + pad, st.sampled_from(EVENTS), header_text),
        ),
        "content_type": st.sampled_from(CONTENT_TYPES),
        "body": st.one_of(bodies, st.integers(0, 49).flatmap(lambda n: oversized if n == 0 else bodies)),
        "chunked": st.booleans(),
        "extra_headers": st.dictionaries(
            st.sampled_from(
                ["X-Groove-Event", "Content-Encoding", "Transfer-Encoding", "X-Forwarded-For", "Content-Length"]
            ),
            header_text,
            max_size=2,
        ),
    }
)


@pytest.fixture(params=["sqlite", "postgresql"])
def fuzz_app(request: pytest.FixtureRequest, base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    if request.param == "postgresql":
        monkeypatch.setenv("DATABASE_URL", request.getfixturevalue("fresh_db"))
    settings = load_settings()
    upgrade(settings.db_url)
    return create_app(settings)


def _post(client, path: str, body: bytes, headers: dict[str, str], content_type: str | None, chunked: bool):  # type: ignore[no-untyped-def]
    """With a Content-Length, or chunked: no length, the stream terminated by the server (gunicorn's way)."""
    if not chunked:
        return client.post(path, data=body, headers=headers, content_type=content_type or None)
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        headers={**headers, "Transfer-Encoding": "chunked"},
        content_type=content_type or None,
        environ_overrides={"wsgi.input_terminated": True},
    )


def _last_id(db_url: str) -> int:
    with session_scope(db_url) as s:
        return int(s.scalar(select(func.max(InboxEvent.id))) or 0)


def _check_rows(db_url: str, after_id: int) -> list[InboxEvent]:
    with session_scope(db_url) as s:
        rows = list(s.scalars(select(InboxEvent).where(InboxEvent.id > after_id).order_by(InboxEvent.id)).all())
    for row in rows:
        assert row.status in STATUSES, row.status
        assert row.dedup_key, "inbox row without a dedup key"
        assert row.event, "inbox row without an event"
        assert isinstance(row.payload, str), "inbox row without payload text"
        if row.status != "ignored" and row.source == "groove":  # a usage report has no ticket (yet)
            assert row.ticket_number is not None and row.ticket_number > 0, (row.id, row.ticket_number)
    return rows


def _fuzz(app, secret: str, examples: int) -> Counter[int]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    db_url = app.config["SETTINGS"].db_url
    seen: Counter[int] = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(req=requests_)
    def one(req: dict[str, Any]) -> None:
        with session_scope(db_url) as s:
            last_id = int(s.scalar(select(func.max(InboxEvent.id))) or 0)
        headers = {**req["extra_headers"], "X-Groove-Event": req["event"]}
        headers.pop("Content-Length", None)  # a lying Content-Length is the HTTP server's business, not ours
        headers.pop("Transfer-Encoding", None)
        r = _post(client, f"/webhooks/groove/{secret}", req["body"], headers, req["content_type"], req["chunked"])
        seen[r.status_code] += 1
        assert r.status_code < 500, (r.status_code, r.get_data(as_text=True)[:500], req)
        rows = _check_rows(db_url, last_id)
        assert len(rows) <= 1
        if r.status_code == 202:
            answer = r.get_json()
            assert answer["status"] in ("accepted", "duplicate", "ignored"), answer
            if answer["status"] != "duplicate":
                assert [row.id for row in rows] == [answer["inbox_id"]]
        else:
            assert rows == [], (r.status_code, req)

    one()
    return seen


def test_a_few_hundred_fuzzed_webhooks_never_get_a_5xx_or_leave_a_half_written_row(fuzz_app, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    seen = _fuzz(fuzz_app, webhook_secret, examples=int(os.environ.get("FUZZ_EXAMPLES", "300")))
    db = fuzz_app.config["SETTINGS"].db_url.split(":")[0].split("+")[0]
    print(
        f"FAULT SUMMARY webhook fuzz (quick, {db}): requests={sum(seen.values())} 5xx=0 half_written_rows=0 "
        f"statuses={dict(sorted(seen.items()))}"
    )


@pytest.mark.slow
def test_ten_thousand_fuzzed_webhooks_never_get_a_5xx_or_leave_a_half_written_row(fuzz_app, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    seen = _fuzz(fuzz_app, webhook_secret, examples=10_000)
    db = fuzz_app.config["SETTINGS"].db_url.split(":")[0].split("+")[0]
    print(
        f"FAULT SUMMARY webhook fuzz (slow, {db}): requests={sum(seen.values())} 5xx=0 half_written_rows=0 "
        f"statuses={dict(sorted(seen.items()))}"
    )
    assert sum(seen.values()) >= 10_000


# -- the usage-overrun hook ---------------------------------------------------------------------------
def _odd_month(year: int, month: int, digits: str) -> str:
    return f"{year:04d}-{month:02d}".translate(str.maketrans("0123456789", digits))


months = st.one_of(
    st.builds(lambda m: f"2026-{m:02d}", st.integers(1, 11)),
    st.builds(
        _odd_month,
        st.integers(2025, 2026),
        st.integers(1, 12),
        st.sampled_from(["٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "߀߁߂߃߄߅߆߇߈߉"]),
    ),
    st.sampled_from(["0000-01", "0001-01", "1999-12", "2101-01", "9999-12", "2026-00", "2026-13", "2026-10\\n"]),
    hostile_text,
    st.integers(),
    st.none(),
)
gb = st.one_of(
    st.floats(min_value=0, max_value=1e6),
    st.integers(0, 10**6),
    st.builds(lambda n: str(n).replace(".", ","), st.floats(0, 1e4)),
    hostile_numbers,
    st.builds(lambda n: int("9" * n), st.integers(300, 4000)),  # 400-digit usage_gb and the like
    st.text(max_size=8),
    st.none(),
    st.booleans(),
)
report_like = st.fixed_dictionaries(
    {},
    optional={
        "customer_id": st.one_of(
            st.sampled_from(["100231", "100232", "K-7"]), hostile_text, st.integers(), json_values
        ),
        "email": st.one_of(
            st.sampled_from(["anna@example.ch", "jürgen@müller.de"]), hostile_text, st.text(max_size=20)
        ),
        "month": months,
        "usage_gb": gb,
        "limit_gb": gb,
        "products": st.one_of(st.lists(st.one_of(st.text(max_size=20), hostile_text), max_size=3), json_values),
        "migration_refused": st.one_of(
            st.booleans(), st.sampled_from(["ja", "nein", "1", ""]), hostile_text, json_values
        ),
        "migration_impossible": st.one_of(st.booleans(), hostile_text),
        "extra": st.text(max_size=5),
    },
)
valid_report = st.fixed_dictionaries(
    {
        # a few customers (duplicates, conflicts) and many (new months)
        "customer_id": st.one_of(st.sampled_from(["100231", "K-7"]), st.builds(str, st.integers(1, 10**9))),
        "month": st.builds(lambda m: f"2026-{m:02d}", st.integers(1, 11)),
        "usage_gb": st.one_of(st.floats(0, 1000), st.integers(0, 1000)),
        "limit_gb": st.sampled_from([100, 200, 200.5]),
        "products": st.lists(st.sampled_from(["Mobile Flat", "Mobile-TV", "Internet-Kombi"]), max_size=2),
    }
)
usage_bodies = st.one_of(
    st.builds(_encode, valid_report, st.booleans()),  # accepted, recorded, duplicate or conflict
    st.builds(lambda base, off: _encode({**base, **off}, False), valid_report, report_like),  # some fields hostile
    st.builds(_encode, report_like, st.booleans()),
    st.builds(
        lambda n, inner: (
            b'{"customer_id": "1", "month": "2026-10", "usage_gb": ' + n + b', "limit_gb": 2' + inner + b"}"
        ),
        raw_number,
        st.sampled_from([b"", b', "products": ' + _nested(200_000, "list")]),
    ),
    nesting,
    st.binary(max_size=200),
    st.builds(lambda n: b" " * n + b"{}", st.sampled_from([USAGE_MAX_BODY_BYTES - 1, USAGE_MAX_BODY_BYTES + 1])),
)


def _usage_rows(db_url: str, after_id: int) -> list[UsageMonthRecord]:
    with session_scope(db_url) as s:
        return list(s.scalars(select(UsageMonthRecord).where(UsageMonthRecord.inbox_event_id > after_id)).all())


def _fuzz_usage(app, secret: str, examples: int) -> Counter[int]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    db_url = app.config["SETTINGS"].db_url
    seen: Counter[int] = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        body=usage_bodies, content_type=st.sampled_from(["application/json", "text/plain", ""]), chunked=st.booleans()
    )
    def one(body: bytes, content_type: str, chunked: bool) -> None:
        last_id = _last_id(db_url)
        r = _post(client, f"/events/usage-overrun/{secret}", body, {}, content_type, chunked)
        seen[r.status_code] += 1
        assert r.status_code < 500, (r.status_code, r.get_data(as_text=True)[:500], body[:300])
        rows = _check_rows(db_url, last_id)
        usage = _usage_rows(db_url, last_id)
        answer = r.get_json()
        if r.status_code == 202 and answer["status"] in ("accepted", "recorded"):
            assert [row.id for row in rows] == [answer["inbox_id"]], (answer, rows)
            assert [u.inbox_event_id for u in usage] == [answer["inbox_id"]]
            assert rows[0].source == "fair_use" and usage[0].month == answer["month"]
            assert usage[0].month.isascii() and 2000 <= int(usage[0].month[:4]) <= 2100
        else:
            assert r.status_code in (202, 400, 409, 413), (r.status_code, answer)
            assert rows == [] and usage == [], (r.status_code, answer, body[:300])

    one()
    return seen


def test_a_few_hundred_fuzzed_usage_reports_never_get_a_5xx_or_leave_a_half_written_row(
    fuzz_app, webhook_secret
) -> None:  # type: ignore[no-untyped-def]
    seen = _fuzz_usage(fuzz_app, webhook_secret, examples=int(os.environ.get("FUZZ_USAGE_EXAMPLES", "150")))
    db = fuzz_app.config["SETTINGS"].db_url.split(":")[0].split("+")[0]
    print(
        f"FAULT SUMMARY usage-overrun fuzz (quick, {db}): requests={sum(seen.values())} 5xx=0 half_written_rows=0 "
        f"statuses={dict(sorted(seen.items()))}"
    )


@pytest.mark.slow
def test_three_thousand_fuzzed_usage_reports_never_get_a_5xx_or_leave_a_half_written_row(
    fuzz_app, webhook_secret
) -> None:  # type: ignore[no-untyped-def]
    seen = _fuzz_usage(fuzz_app, webhook_secret, examples=3_000)
    db = fuzz_app.config["SETTINGS"].db_url.split(":")[0].split("+")[0]
    print(
        f"FAULT SUMMARY usage-overrun fuzz (slow, {db}): requests={sum(seen.values())} 5xx=0 half_written_rows=0 "
        f"statuses={dict(sorted(seen.items()))}"
    )
    assert sum(seen.values()) >= 3_000


# -- the UI's parameters -------------------------------------------------------------------------------
QUERY_KEYS = ["type", "outcome", "from", "to", "ticket", "page", "weeks", "next", "_method", "_external", "_anchor",
              "_scheme", "q"]  # fmt: skip
dates = st.one_of(
    st.sampled_from(["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "2026-02-30", "2026-10-31", "", "2026"]),
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)),
    st.builds(
        lambda d, digits: d.translate(str.maketrans("0123456789", digits)),
        st.just("2026-10-31"),
        st.sampled_from(["٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９"]),
    ),
)
query_values = st.one_of(
    hostile_text,
    dates,
    st.sampled_from(["POST", "1e20", "100000000000000000000", "99999999999999999999", "-1", "0", "#12", "²", "8"]),
    st.builds(lambda n: str(n), st.integers(-(2**70), 2**70)),
    st.sampled_from(["program_return", "approve", "escalate", "//evil.example", "/queue\r\nX: y", "javascript:1"]),
    st.text(max_size=30),
)
paths = st.one_of(
    st.just("/decisions"),
    st.just("/decisions"),
    st.builds(
        lambda seg: "/decisions/" + quote_from_bytes(seg.encode("utf-8", "surrogatepass"), safe=""),
        st.one_of(huge_digits, odd_digits, st.builds(str, st.integers(-5, 2**64)), st.text(max_size=10)),
    ),
    st.sampled_from(["/service", "/queue", "/ofd", "/login"]),
)


def _fuzz_ui(client, anonymous, examples: int) -> Counter[int]:  # type: ignore[no-untyped-def]
    seen: Counter[int] = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        path=paths,
        params=st.dictionaries(st.one_of(st.sampled_from(QUERY_KEYS), st.text(max_size=5)), query_values, max_size=5),
        raw=st.one_of(st.none(), st.binary(max_size=40)),
    )
    def one(path: str, params: dict[str, str], raw: bytes | None) -> None:
        who = anonymous if path == "/login" else client
        if raw is not None:  # bytes as they come on the wire: invalid UTF-8, %00, lone "%"
            query = "&".join(f"{quote_from_bytes(k.encode('utf-8', 'surrogatepass'))}={quote_from_bytes(raw)}"
                             for k in (list(params) or ["ticket"]))  # fmt: skip
            r = who.get(f"{path}?{query}")
        else:
            r = who.get(path, query_string={k: v.encode("utf-8", "surrogatepass") for k, v in params.items()})
        seen[r.status_code] += 1
        html = r.get_data(as_text=True)
        assert r.status_code < 500, (r.status_code, path, params, raw, html[:500])
        if r.status_code in (400, 404):
            assert 'lang="de"' in html, (path, params, html[:300])

    one()
    return seen


@pytest.fixture
def ui_clients(fuzz_app):  # type: ignore[no-untyped-def]
    db_url = fuzz_app.config["SETTINGS"].db_url
    make_users(db_url)
    for n in range(1, 53):  # more than one page: the page links (url_for with the filters) are rendered
        seed_decision(db_url, 9000 + n)
    client = fuzz_app.test_client()
    login(client, "agent")
    return client, fuzz_app.test_client()


def test_a_few_hundred_fuzzed_ui_parameters_never_get_a_5xx(fuzz_app, ui_clients) -> None:  # type: ignore[no-untyped-def]
    seen = _fuzz_ui(*ui_clients, examples=int(os.environ.get("FUZZ_UI_EXAMPLES", "150")))
    db = fuzz_app.config["SETTINGS"].db_url.split(":")[0].split("+")[0]
    print(f"FAULT SUMMARY ui parameter fuzz (quick, {db}): requests={sum(seen.values())} 5xx=0 "
          f"statuses={dict(sorted(seen.items()))}")  # fmt: skip


@pytest.mark.slow
def test_three_thousand_fuzzed_ui_parameters_never_get_a_5xx(fuzz_app, ui_clients) -> None:  # type: ignore[no-untyped-def]
    seen = _fuzz_ui(*ui_clients, examples=3_000)
    db = fuzz_app.config["SETTINGS"].db_url.split(":")[0].split("+")[0]
    print(f"FAULT SUMMARY ui parameter fuzz (slow, {db}): requests={sum(seen.values())} 5xx=0 "
          f"statuses={dict(sorted(seen.items()))}")  # fmt: skip
    assert sum(seen.values()) >= 3_000
