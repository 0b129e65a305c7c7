"""A fair-use month is `YYYY-MM` in ASCII digits between 2000 and 2100: "２０２６-１０" is no second month
for the same customer (which would break once per month), "0000-01" is no month at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from policies.rules.fair_use import month_index
from worker.app import create_app
from worker.cli.main import main
from worker.config import load_settings
from worker.intake.usage_reports import read_csv
from worker.store.db import session_scope, upgrade
from worker.store.models import InboxEvent, UsageMonthRecord

REPORT = {"customer_id": "100231", "month": "2026-10", "usage_gb": 401.2, "limit_gb": 200, "products": []}
NOT_MONTHS = [
    "２０２６-１０",  # fullwidth digits: int() reads them as 2026 and 10
    "٢٠٢٦-١٠",  # Arabic-Indic digits
    "2026-１０",
    "０２０２６-10",
    "0000-01",
    "0001-01",
    "1999-12",
    "2026-00",
]


@pytest.fixture
def client(base_env: dict[str, str]):  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    return create_app(settings).test_client()


def stored(db_url: str) -> list[tuple[str, str]]:
    with session_scope(db_url) as s:
        return [(u.customer_key, u.month) for u in s.scalars(select(UsageMonthRecord)).all()]


@pytest.mark.parametrize("month", NOT_MONTHS)
def test_a_month_in_other_digits_or_outside_2000_to_2100_is_refused_and_stores_nothing(
    client, webhook_secret, month: str
) -> None:  # type: ignore[no-untyped-def]
    db_url = load_settings().db_url
    assert client.post(f"/events/usage-overrun/{webhook_secret}", json=REPORT).status_code == 202
    r = client.post(f"/events/usage-overrun/{webhook_secret}", json={**REPORT, "month": month})
    assert r.status_code == 400, r.get_json()
    assert r.get_json()["reason"].startswith("month: "), r.get_json()
    assert stored(db_url) == [("100231", "2026-10")]
    with session_scope(db_url) as s:
        assert len(s.scalars(select(InboxEvent)).all()) == 1


@pytest.mark.parametrize("month", NOT_MONTHS)
def test_the_csv_import_refuses_such_a_month_with_its_line(month: str) -> None:
    text = f"customer_id,email,month,usage_gb,limit_gb,products\n1,,2026-10,300,200,A\n1,,{month},300,200,A\n"
    _rows, errors = read_csv(text, "2026-11")
    assert len(errors) == 1 and errors[0].startswith("line 3: month: "), errors


@pytest.mark.parametrize("month", ["2000-01", "2026-10", "2100-12"])
def test_months_from_2000_to_2100_are_months(month: str) -> None:
    rows, errors = read_csv(f"customer_id,email,month,usage_gb,limit_gb,products\n1,,{month},300,200,A\n", "2100-12")
    assert errors == [] and rows[0].report.month == month


def test_the_policy_core_reads_only_ascii_months() -> None:
    assert month_index("2026-10") == 2026 * 12 + 9
    for month in ("２０２６-１０", "٢٠٢٦-١٠"):
        with pytest.raises(ValueError):
            month_index(month)


def test_importing_a_file_with_a_fullwidth_month_stores_nothing(base_env, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings()
    upgrade(settings.db_url)
    path = tmp_path / "export.csv"
    path.write_text(
        "customer_id,email,month,usage_gb,limit_gb,products\n1,,2026-10,300,200,A\n1,,２０２６-１０,300,200,A\n",
        encoding="utf-8",
    )
    assert main(["fair-use", "import", str(path)]) == 2
    assert "line 3: month: " in capsys.readouterr().err
    assert stored(settings.db_url) == []
