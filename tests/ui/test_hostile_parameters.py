"""The decision pages with hostile query and path parameters: a 400 or 404 with a German message, never a 500.

On SQLite and on real PostgreSQL (which, unlike SQLite, refuses an integer beyond BIGINT in a
query, and where an OFFSET beyond BIGINT fails in the database).
"""

from __future__ import annotations

import re
import secrets

import pytest

from tests.ui.kit import login, make_users, seed_decision
from worker.app import create_app
from worker.config import load_settings
from worker.store.db import upgrade

GERMAN = re.compile(r"ungültig|gibt es nicht|zwischen|Ticketnummer|Seite|Datum", re.IGNORECASE)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One seeded app per database for the whole module (seeding 52 decisions per test is slow)."""
    tmp = tmp_path_factory.mktemp(f"hostile-{request.param}")
    with pytest.MonkeyPatch.context() as mp:
        for k in ("DATABASE_URL", "REDIS_URL", "GOODWILL_POLICY_PACK"):
            mp.delenv(k, raising=False)
        env = {
            "GOODWILL_DATA_DIR": str(tmp / "data"),
            "GROOVE_API_URL": "http://127.0.0.1:9/groove/v1",
            "GROOVE_API_TOKEN": "groove-test-token-0123456789",
            "GROOVE_WEBHOOK_SECRET": secrets.token_urlsafe(32),
            "AC_API_URL": "http://127.0.0.1:9/ac/api/3",
            "AC_API_TOKEN": "ac-test-token-0123456789",
            "SECRET_KEY": secrets.token_urlsafe(32),
        }
        if request.param == "postgresql":
            from tests.support import reset_schema

            env["DATABASE_URL"] = request.getfixturevalue("postgres_url")
            reset_schema(env["DATABASE_URL"])
        for k, v in env.items():
            mp.setenv(k, v)
        settings = load_settings()
    upgrade(settings.db_url)
    make_users(settings.db_url)
    for n in range(1, 53):  # more than one page (50): the page links are rendered
        seed_decision(settings.db_url, 7000 + n)
    c = create_app(settings).test_client()
    login(c, "agent")
    return c


def _german_refusal(r) -> str:  # type: ignore[no-untyped-def]
    html = r.get_data(as_text=True)
    assert r.status_code in (400, 404), (r.status_code, html[:300])
    assert 'lang="de"' in html and GERMAN.search(html), html[:500]
    return html


@pytest.mark.parametrize(
    "query",
    [
        "ticket=²",
        "ticket=٣",
        "ticket=99999999999999999999",
        "ticket=" + "9" * 5000,
        "page=1e20",
        "page=100000000000000000000",
        "page=" + "9" * 5000,
        "page=²",
        "page=" + "0" * 5000 + "1" * 20,
        "from=0001-01-01",
        "to=9999-12-31",
        "from=1999-12-31",
        "to=2101-01-01",
        "from=２０２６-01-01",
        "from=2026-13-45",
    ],
)
def test_a_hostile_filter_parameter_gets_a_400_with_a_german_message(client, query: str) -> None:  # type: ignore[no-untyped-def]
    html = _german_refusal(client.get(f"/decisions?{query}"))
    assert "Fehler 400" in html


@pytest.mark.parametrize(
    "path",
    [
        "/decisions/2147483648",  # one beyond the INTEGER primary key (PostgreSQL: integer out of range)
        "/decisions/1111111111111111111",
        "/decisions/99999999999999999999",
        "/decisions/" + "9" * 5000,
        "/decisions/" + "0" * 5000 + "99999",
        "/decisions/²",
    ],
)
def test_a_decision_id_beyond_any_row_gets_a_404_with_a_german_message(client, path: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(path)
    _german_refusal(r)
    assert r.status_code == 404


@pytest.mark.parametrize("name", ["_method", "_external", "_anchor", "_scheme"])
def test_url_building_parameters_in_the_query_are_ignored_on_a_list_of_several_pages(client, name: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/decisions?{name}=POST&type=program_return")
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html[:500]
    assert "älter →" in html  # the second page's link is there ...
    assert name not in html  # ... and carries only the filter, not the odd parameter
    assert "type=program_return" in html


def test_empty_filter_fields_and_ordinary_values_still_work(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/decisions?type=&outcome=&from=&to=&ticket=").status_code == 200
    r = client.get("/decisions?ticket=%237001&from=2000-01-01&to=2100-12-31&page=1")
    assert r.status_code == 200 and "#7001" in r.get_data(as_text=True)
    assert client.get("/decisions?page=999999").status_code == 200  # beyond the last page: an empty list
