"""Every configured Groove mailbox exists: the worker checks them against GET /v1/mailboxes when it starts.

Tickets are created in a mailbox named by its e-mail or id (Groove's POST /v1/tickets); the fair-use
pack's [tasks] mailbox and the keys of GOODWILL_MAILBOX_PACKS are checked, and an unknown one stops
the worker with one line (exit 2) instead of opening task tickets in the wrong place.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from integrations.errors import ApiServerError, ApiUnauthorized
from tests.fakes import FakeVendors, fake_runtime
from tests.support import Sandbox, start_goodwill, stop
from worker.bootstrap import Runtime, check_mailboxes, configured_mailboxes
from worker.config import ConfigError, load_settings
from worker.store.db import upgrade

PACK_TOML = (Path(__file__).resolve().parents[2] / "policies" / "pack" / "packs" / "fair-use.toml").read_text(
    encoding="utf-8"
)


@pytest.fixture
def env(base_env, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GOODWILL_MAILBOX_PACKS", raising=False)
    return monkeypatch


def runtime(vendors: FakeVendors) -> Runtime:
    settings = load_settings()
    upgrade(settings.db_url)
    rt = fake_runtime(settings, vendors)
    rt.mailbox_directory = None  # as a process before its start-up check
    return rt


def test_the_built_in_packs_name_mailboxes_the_account_has(env) -> None:  # type: ignore[no-untyped-def]
    vendors = FakeVendors()
    rt = runtime(vendors)
    assert configured_mailboxes(rt) == [("policy pack fair-use [tasks] mailbox", "kundendienst@finecom.ch")]
    directory = check_mailboxes(rt)
    assert any(b.email == "kundendienst@finecom.ch" and b.name == "Kundendienst Finecom" for b in directory)
    assert rt.mailbox_directory == directory  # the pipeline needs no further call to map names to packs
    assert vendors.helpdesk.names() == ["list_mailboxes"]


def test_mailbox_setting_keys_may_be_names_emails_or_ids(env) -> None:  # type: ignore[no-untyped-def]
    vendors = FakeVendors()
    box = vendors.helpdesk.add_mailbox("Support", "support@intumind.example", "5000000001")
    env.setenv("GOODWILL_MAILBOX_PACKS", "Kundendienst Finecom=fair-use,support@intumind.example=goodwill")
    check_mailboxes(runtime(vendors))
    env.setenv("GOODWILL_MAILBOX_PACKS", f"{box.id}=goodwill")
    check_mailboxes(runtime(vendors))


def test_an_unknown_mailbox_in_the_setting_stops_start_up_with_one_line_naming_it(env) -> None:  # type: ignore[no-untyped-def]
    env.setenv("GOODWILL_MAILBOX_PACKS", "Kundendienst Finecom=fair-use,Nirgendwo=goodwill")
    with pytest.raises(ConfigError) as err:
        check_mailboxes(runtime(FakeVendors()))
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith("Groove has no mailbox 'nirgendwo' (GOODWILL_MAILBOX_PACKS); the account's mailboxes: Inbox")
    assert "Kundendienst Finecom <kundendienst@finecom.ch>" in text


def test_an_unknown_task_mailbox_in_the_fair_use_pack_stops_start_up(env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "fair-use-other.toml"
    path.write_text(PACK_TOML.replace('mailbox = "kundendienst@finecom.ch"', 'mailbox = "kd@other.example"'))
    env.setenv("GOODWILL_MAILBOX_PACKS", f"Kundendienst Finecom={path}")
    with pytest.raises(ConfigError, match=r"no mailbox 'kd@other\.example' \(policy pack fair-use \[tasks\] mailbox\)"):
        check_mailboxes(runtime(FakeVendors()))


def test_groove_unreachable_at_start_up_is_a_warning_but_a_rejected_token_stops(env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    vendors = FakeVendors()
    rt = runtime(vendors)

    def down() -> list:  # type: ignore[type-arg]
        raise ApiServerError("groove", 503, "GET /mailboxes: down")

    monkeypatch.setattr(vendors.helpdesk, "list_mailboxes", down)
    assert check_mailboxes(rt) == []

    def rejected() -> list:  # type: ignore[type-arg]
        raise ApiUnauthorized("groove", 401, "GET /mailboxes: Groove rejected the API token")

    monkeypatch.setattr(vendors.helpdesk, "list_mailboxes", rejected)
    with pytest.raises(ConfigError, match="cannot check the Groove mailboxes"):
        check_mailboxes(rt)


def test_a_worker_process_with_an_unknown_mailbox_exits_2_with_one_line(tmp_path: Path, webhook_secret: str) -> None:
    with Sandbox() as sandbox:
        env = {
            "GOODWILL_DATA_DIR": str(tmp_path / "data"),
            "GROOVE_API_URL": f"{sandbox.url}/groove/v1",
            "AC_API_URL": f"{sandbox.url}/ac/api/3",
            "GROOVE_API_TOKEN": "mailbox-check-groove-token",
            "AC_API_TOKEN": "mailbox-check-ac-token",
            "GROOVE_WEBHOOK_SECRET": webhook_secret,
            "GOODWILL_MAILBOX_PACKS": "Kundendienst Finecom=fair-use,Vertrieb=goodwill",
            "REDIS_URL": "",
            "DATABASE_URL": "",
        }
        (tmp_path / "data").mkdir()
        log = tmp_path / "worker.log"
        proc = start_goodwill(["worker", "--concurrency", "1"], env, log)
        try:
            code = proc.wait(60)
        except subprocess.TimeoutExpired:
            stop(proc)
            pytest.fail(f"the worker did not stop: {log.read_text()[-2000:]}")
        lines = [line for line in log.read_text().splitlines() if line.startswith("goodwill:")]
        assert code == 2
        assert len(lines) == 1 and lines[0].startswith(
            "goodwill: configuration: Groove has no mailbox 'vertrieb' (GOODWILL_MAILBOX_PACKS)"
        )
        assert any(r["path"] == "/v1/mailboxes" for r in sandbox.state()["requests"])
