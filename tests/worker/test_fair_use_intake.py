"""Fair-use intake: the usage-overrun endpoint and `goodwill fair-use import` (validate, store once, queue)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from worker.app import create_app
from worker.cli.main import main
from worker.config import load_settings
from worker.intake.usage_reports import OverrunReport, read_csv, store_reports
from worker.store.db import session_scope, upgrade
from worker.store.models import InboxEvent, UsageMonthRecord

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fair_use"
OVERRUN = {
    "customer_id": "100231",
    "email": "Anna.Muster@example.ch",
    "month": "2026-10",
    "usage_gb": 401.2,
    "limit_gb": 200,
    "products": ["Mobile Flat"],
}


@pytest.fixture
def app(base_env: dict[str, str]):  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    return create_app(settings)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def post(client, secret: str, body: object):  # type: ignore[no-untyped-def]
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(f"/events/usage-overrun/{secret}", data=data, content_type="application/json")


def inbox_rows(db_url: str) -> list[InboxEvent]:
    with session_scope(db_url) as s:
        return list(s.scalars(select(InboxEvent).order_by(InboxEvent.id)).all())


def usage_rows(db_url: str) -> list[UsageMonthRecord]:
    with session_scope(db_url) as s:
        return list(s.scalars(select(UsageMonthRecord).order_by(UsageMonthRecord.id)).all())


def queued_messages(settings) -> int:  # type: ignore[no-untyped-def]
    engine = create_engine(settings.broker_url.replace("sqla+", ""))
    if not inspect(engine).has_table("kombu_message"):
        return 0
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM kombu_message WHERE visible = 1")).scalar() or 0)


# -- the endpoint ---------------------------------------------------------------------------------------
def test_an_overrun_is_stored_queued_and_answered_202(app, client, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    r = post(client, webhook_secret, OVERRUN)
    assert r.status_code == 202, r.get_json()
    assert r.get_json()["status"] == "accepted"
    settings = app.config["SETTINGS"]
    [row] = inbox_rows(settings.db_url)
    assert (row.source, row.event, row.dedup_key, row.status) == (
        "fair_use",
        "usage_overrun",
        "fair_use:100231:2026-10",
        "queued",
    )
    assert row.ticket_number is None
    [usage] = usage_rows(settings.db_url)
    assert (usage.customer_key, usage.email, usage.usage_gb, usage.limit_gb, usage.products, usage.origin) == (
        "100231",
        "anna.muster@example.ch",
        401.2,
        200.0,
        ["Mobile Flat"],
        "api",
    )
    assert usage.inbox_event_id == row.id
    assert queued_messages(settings) == 1


def test_a_month_within_the_limit_is_kept_but_creates_no_work(app, client, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    r = post(client, webhook_secret, OVERRUN | {"usage_gb": 150})
    assert r.status_code == 202 and r.get_json()["status"] == "recorded"
    settings = app.config["SETTINGS"]
    assert [row.status for row in inbox_rows(settings.db_url)] == ["ignored"]
    assert len(usage_rows(settings.db_url)) == 1
    assert queued_messages(settings) == 0


def test_a_customer_known_only_by_e_mail_is_keyed_by_it(app, client, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    body = {k: v for k, v in OVERRUN.items() if k != "customer_id"}
    assert post(client, webhook_secret, body).status_code == 202
    [row] = inbox_rows(app.config["SETTINGS"].db_url)
    assert row.dedup_key == "fair_use:anna.muster@example.ch:2026-10"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "body is not valid JSON"),
        (b"[1, 2]", "body is not a JSON object"),
        (
            {k: v for k, v in OVERRUN.items() if k not in ("customer_id", "email")},
            "customer_id or email: one of them is required",
        ),
        ({k: v for k, v in OVERRUN.items() if k != "month"}, "month: missing"),
        (OVERRUN | {"month": "2026-13"}, "month: '2026-13' is not a month (expected YYYY-MM)"),
        (OVERRUN | {"month": "10.2026"}, "month: '10.2026' is not a month"),
        (OVERRUN | {"month": "2999-01"}, "month: 2999-01 is in the future"),
        ({k: v for k, v in OVERRUN.items() if k != "usage_gb"}, "usage_gb: missing"),
        (OVERRUN | {"usage_gb": -1}, "usage_gb: must be 0 or more"),
        (OVERRUN | {"usage_gb": True}, "usage_gb: expected a number"),
        (OVERRUN | {"usage_gb": "viel"}, "usage_gb: 'viel' is not a number"),
        (OVERRUN | {"limit_gb": 0}, "limit_gb: must be greater than 0"),
        (OVERRUN | {"products": "Mobile Flat"}, "products: expected a list of product names"),
        (OVERRUN | {"email": "anna"}, "email: 'anna' is not an e-mail address"),
        (OVERRUN | {"customer_id": "100 231"}, "customer_id: '100 231' is not a customer number"),
        (OVERRUN | {"migration_refused": "vielleicht"}, "migration_refused: expected true or false"),
        (OVERRUN | {"usage": 401.2}, "unknown field 'usage'"),
    ],
)
def test_an_invalid_report_is_refused_with_400_and_the_reason(
    app,
    client,
    webhook_secret,
    body: object,  # type: ignore[no-untyped-def]
    reason: str,
) -> None:
    r = post(client, webhook_secret, body)
    assert r.status_code == 400
    assert r.get_json()["reason"].startswith(reason)
    assert inbox_rows(app.config["SETTINGS"].db_url) == []


def test_the_same_customer_and_month_again_is_a_duplicate(app, client, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    first = post(client, webhook_secret, OVERRUN)
    again = post(client, webhook_secret, OVERRUN | {"email": "anna.muster@example.ch"})  # same values, other spelling
    assert again.status_code == 202
    assert again.get_json()["status"] == "duplicate"
    assert again.get_json()["inbox_id"] == first.get_json()["inbox_id"]
    settings = app.config["SETTINGS"]
    assert len(inbox_rows(settings.db_url)) == 1 and len(usage_rows(settings.db_url)) == 1
    assert queued_messages(settings) == 1


def test_the_same_customer_and_month_with_other_values_is_a_conflict_and_the_first_values_stay(  # type: ignore[no-untyped-def]
    app, client, webhook_secret
) -> None:
    post(client, webhook_secret, OVERRUN)
    r = post(client, webhook_secret, OVERRUN | {"usage_gb": 999})
    assert r.status_code == 409
    assert "already stored with other values" in r.get_json()["reason"]
    [usage] = usage_rows(app.config["SETTINGS"].db_url)
    assert usage.usage_gb == 401.2


def test_another_month_of_the_same_customer_is_a_new_report(app, client, webhook_secret) -> None:  # type: ignore[no-untyped-def]
    post(client, webhook_secret, OVERRUN)
    r = post(client, webhook_secret, OVERRUN | {"month": "2026-09"})
    assert r.get_json()["status"] == "accepted"
    assert len(inbox_rows(app.config["SETTINGS"].db_url)) == 2


def test_a_wrong_secret_is_answered_404_and_nothing_is_stored(app, client) -> None:  # type: ignore[no-untyped-def]
    r = post(client, "x" * 43, OVERRUN)
    assert r.status_code == 404
    assert inbox_rows(app.config["SETTINGS"].db_url) == []


# -- the CSV import -------------------------------------------------------------------------------------
def import_csv(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["fair-use", "import", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_bad_rows_are_reported_with_line_numbers_exit_2_and_nothing_is_stored(base_env, capsys) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    path = FIXTURES / "bad_rows.csv"
    code, _out, err = import_csv(path, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert lines == [
        f"{path}: line 3: customer_id or email: one of them is required",
        f"{path}: line 4: month: '2026-13' is not a month (expected YYYY-MM)",
        f"{path}: line 5: usage_gb: 'viel' is not a number",
        f"{path}: line 6: limit_gb: must be greater than 0",
        f"{path}: line 7: 5 fields, expected 6",
        f"{path}: 5 bad row(s); nothing imported",
    ]
    assert inbox_rows(settings.db_url) == [] and usage_rows(settings.db_url) == []  # line 2 was fine: not stored either


def test_a_good_csv_is_stored_and_the_overruns_queued_and_a_second_import_creates_nothing(base_env, capsys) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    path = FIXTURES / "three_months.csv"
    code, out, err = import_csv(path, capsys)
    assert (code, err) == (0, "")
    assert "6 rows: 6 new (4 over the limit, queued; 2 within the limit), 0 already stored" in out
    rows = inbox_rows(settings.db_url)
    assert sorted(r.status for r in rows) == ["ignored", "ignored", "queued", "queued", "queued", "queued"]
    assert {u.origin for u in usage_rows(settings.db_url)} == {"csv:three_months.csv"}
    assert queued_messages(settings) == 4

    code, out, err = import_csv(path, capsys)
    assert code == 0 and "6 rows: 0 new (0 over the limit, queued; 0 within the limit), 6 already stored" in out
    assert len(inbox_rows(settings.db_url)) == 6 and queued_messages(settings) == 4


def test_a_re_export_with_changed_values_keeps_the_stored_ones_and_says_so(base_env, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = FIXTURES / "2026-09.csv"
    assert import_csv(first, capsys)[0] == 0
    changed = tmp_path / "2026-09-corrected.csv"
    changed.write_text(first.read_text(encoding="utf-8").replace(",288,", ",290,"), encoding="utf-8")
    code, out, err = import_csv(changed, capsys)
    assert code == 0 and "0 new" in out
    assert err.strip() == (
        f"{changed}: line 2: customer 100231 2026-09 is already stored with other values; the stored ones are kept"
    )
    assert {u.usage_gb for u in usage_rows(load_settings().db_url) if u.customer_key == "100231"} == {288.0}


def test_an_excel_export_with_semicolons_decimal_commas_and_a_bom_is_read() -> None:
    text = (
        "\ufeffcustomer_id;email;month;usage_gb;limit_gb;products;migration_refused\n"
        "100240;;2026-10;312,5;200;Mobile Flat|Mobile-TV;ja\n"
    )
    rows, errors = read_csv(text, "2026-11")
    assert errors == []
    assert rows[0].line == 2
    assert rows[0].report == OverrunReport(
        "100240", None, "2026-10", 312.5, 200.0, ("Mobile Flat", "Mobile-TV"), True, False
    )


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("", "line 1: the file is empty"),
        ("customer_id,email,month,usage_gb,products\n", "line 1: missing column 'limit_gb'"),
        ("customer_id,email,month,usage_gb,limit_gb,products,usage\n", "line 1: unknown column 'usage'"),
        (
            "customer_id,email,month,usage_gb,limit_gb,products\n1,,2026-10,300,200,A\n\n1,,2026-10,301,200,A\n",
            "line 4: customer 1 2026-10 is already on line 2 with other values",
        ),
        (
            'customer_id,email,month,usage_gb,limit_gb,products\n1,,2026-10,300,200,"A\n2,,2026-10,300,200,B\n',
            "line 2: unexpected end of data",
        ),
    ],
)
def test_a_broken_file_is_refused_with_the_line(content: str, error: str) -> None:
    _rows, errors = read_csv(content, "2026-11")
    assert errors and errors[0].startswith(error), errors


def test_the_same_row_twice_in_one_file_is_stored_once() -> None:
    content = "customer_id,email,month,usage_gb,limit_gb,products\n1,,2026-10,300,200,A\n1,,2026-10,300,200,A\n"
    rows, errors = read_csv(content, "2026-11")
    assert errors == [] and len(rows) == 1


def test_storing_is_all_or_nothing(base_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A failure in the middle of an import rolls the whole import back: nothing half-imported."""
    settings = load_settings()
    upgrade(settings.db_url)
    reports = [OverrunReport(str(n), None, "2026-10", 300.0, 200.0) for n in range(1, 6)]
    original = OverrunReport.payload

    def payload(self: OverrunReport) -> str:
        if self.customer_id == "4":
            raise RuntimeError("disk full")
        return original(self)

    monkeypatch.setattr(OverrunReport, "payload", payload)
    with pytest.raises(RuntimeError, match="disk full"):
        store_reports(settings.db_url, reports, origin="csv:test")
    assert inbox_rows(settings.db_url) == [] and usage_rows(settings.db_url) == []


def test_one_customer_and_month_twice_in_one_batch_is_stored_once(base_env) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    a = OverrunReport("7", None, "2026-10", 300.0, 200.0)
    first, again, other = store_reports(settings.db_url, [a, a, OverrunReport("7", None, "2026-10", 301.0, 200.0)], "x")
    assert (first.duplicate, again.duplicate, again.conflict, other.conflict) == (False, True, False, True)
    assert first.inbox_id == again.inbox_id == other.inbox_id
    assert len(inbox_rows(settings.db_url)) == 1 and usage_rows(settings.db_url)[0].usage_gb == 300.0
