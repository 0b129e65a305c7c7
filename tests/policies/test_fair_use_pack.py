"""The fair-use pack: it loads and validates, its texts make the notes, and `goodwill decide` uses it."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from policies.decide import decide
from policies.model import Customer, FairUse, UsageOverrun
from policies.pack.loader import PACK_DIR, PackError, _validate, load_pack
from policies.pack.params import describe_pack, param, process_of
from policies.render.note import word_count
from policies.rules.fair_use import partner_brief

RAW = tomllib.loads((PACK_DIR / "fair-use.toml").read_text(encoding="utf-8"))
TODAY = date(2026, 11, 23)


def with_value(dotted: str, value: object) -> dict:
    raw = copy.deepcopy(RAW)
    section, key = dotted.split(".")
    raw.setdefault(section, {})[key] = value
    return raw


def decided(months: int, products: tuple[str, ...] = ("Mobile Flat",), refused: bool = False, pack=None):  # type: ignore[no-untyped-def]
    customer = Customer(fair_use=FairUse(months, products, refused, False))
    return decide(None, customer, TODAY, pack=pack or load_pack("fair-use"), usage_overrun=UsageOverrun("2026-10"))


def test_the_fair_use_pack_loads_with_its_own_id_version_and_process() -> None:
    pack = load_pack("fair-use")
    assert (pack.id, pack.tenant, process_of(pack)) == ("fair-use", "finecom", "fair_use")
    assert pack.version and pack.mode_for("fair_use") in ("assist", "auto")
    assert param(pack, "tasks.mailbox") == "kundendienst@finecom.ch"  # an e-mail or id, never a display name
    assert param(pack, "texts.partner") == "KNU"
    assert process_of(load_pack("goodwill")) == "goodwill"


@pytest.mark.parametrize("value", ["kundendienst@finecom.ch", 1324123, "5063661921"])
def test_the_task_mailbox_is_named_by_its_email_or_its_groove_id(value: object) -> None:
    _validate(with_value("tasks.mailbox", value), "fair-use.toml")  # no error


def test_the_listing_shows_the_fair_use_parameters_and_not_the_goodwill_clauses() -> None:
    text = describe_pack(load_pack("fair-use"))
    assert text.splitlines()[0].startswith("policy pack fair-use 2026.")
    assert "process: fair_use" in text and "[tasks]" in text and "sms_1 = SMS Nr. 1 via QMC" in text
    assert "window_days" not in text and "goodwill markers" not in text


@pytest.mark.parametrize(
    ("dotted", "value", "message"),
    [
        ("tasks.agent", "kundendienst", "tasks.agent must be an e-mail address"),
        ("tasks.fallback_to", "a b@x.ch", "tasks.fallback_to must be an e-mail address"),
        ("tasks.mailbox", "", "tasks.mailbox must be a Groove mailbox e-mail or id"),
        (
            "tasks.mailbox",
            "Kundendienst Finecom",
            "tasks.mailbox must be a Groove mailbox e-mail or id (not its display",
        ),
        ("tasks.mailbox", 0, "tasks.mailbox must be a Groove mailbox e-mail or id"),
        ("tasks.tags", [], "tasks.tags must be a non-empty list of tag names"),
        ("texts.partner", " ", "texts.partner must be a non-empty string"),
        ("texts.sms3", "SMS Nr. 3", "texts.sms3 must be one of the known keys"),
        ("fair_use.protected_products", "Mobile-TV", "fair_use.protected_products must be a non-empty list"),
        ("return.window_days", 30, "[return] must be left out: a fair_use pack does not use goodwill clause sections"),
    ],
)
def test_an_invalid_fair_use_pack_is_refused_with_one_line_naming_the_key(
    dotted: str, value: object, message: str
) -> None:
    with pytest.raises(PackError) as err:
        _validate(with_value(dotted, value), "fair-use.toml")
    assert str(err.value).startswith(f"policy pack fair-use.toml: {message}") and "\n" not in str(err.value)


def test_an_unknown_process_is_refused() -> None:
    with pytest.raises(PackError, match="process must be one of goodwill, fair_use"):
        _validate(RAW | {"process": "billing"}, "fair-use.toml")


@pytest.mark.parametrize(
    ("months", "refused", "present", "absent"),
    [
        (1, False, ["Stufe 1", "SMS Nr. 1 via QMC", "History-Eintrag im QMC"], ["KNU", "SMS Nr. 2"]),
        (
            2,
            False,
            ["Stufe 2", "SMS Nr. 2 via QMC", "History-Eintrag im QMC", "Ticket z.H. KNU"],
            ["Migrationsschreiben"],
        ),
        (
            3,
            False,
            ["Stufe 3", "Migration", "01.12.2026", "KNU", "Migrationsschreiben", "Finecom Controlling"],
            ["Kündigungsbrief", "SMS"],
        ),
        (
            4,
            True,
            ["Stufe 3", "Kündigung", "30.11.2026", "ohne Kosten", "KNU", "Kündigungsbrief"],
            ["Migrationsschreiben"],
        ),
    ],
)
def test_the_note_names_what_the_team_does_at_each_stage(
    months: int, refused: bool, present: list[str], absent: list[str]
) -> None:
    note = decided(months, refused=refused).note
    assert all(p in note for p in present), note
    assert not any(a in note for a in absent), note
    assert note.index("Was:") < note.index("Warum:") < note.index("Was jetzt:")
    assert word_count(note) <= 120


def test_a_protected_customer_note_names_the_product_and_says_not_to_terminate() -> None:
    note = decided(5, ("Mobile Flat", "Internet-Kombi"), refused=True).note
    assert "Nicht kündigen" in note and "Internet-Kombi" in note and "Migration abgelehnt" in note


def test_the_tenant_names_come_from_the_pack() -> None:
    raw = with_value("texts.partner", "Partner Nord") | {"version": "test"}
    raw["texts"]["sms_2"] = "Zweite SMS (QMC-Vorlage 7)"
    note = decided(2, pack=_validate(raw, "custom.toml")).note
    assert "Ticket z.H. Partner Nord" in note and "Zweite SMS (QMC-Vorlage 7) senden" in note and "KNU" not in note


@pytest.mark.parametrize(
    ("months", "refused", "expected"),
    [
        (1, False, None),
        (2, False, "Bitte Kund:in kontaktieren"),
        (3, False, "Migrationsschreiben anbei"),
        (3, True, "Kündigungsbrief anbei"),
    ],
)
def test_the_partner_gets_a_text_at_stages_2_and_3_only(months: int, refused: bool, expected: str | None) -> None:
    d = decided(months, refused=refused)
    brief = partner_brief(d, load_pack("fair-use"), TODAY, "100231")
    if expected is None:
        assert brief is None
    else:
        assert brief is not None and expected in brief and "Kund:in 100231" in brief and "10.2026" in brief


def test_a_decision_records_the_fair_use_pack() -> None:
    d = decided(2)
    assert (d.request_type, d.outcome, d.measure, d.clauses) == ("fair_use", "approve", "sms_2", ("FU-2",))
    assert (d.pack_id, d.facts["stage"]) == ("fair-use", 2)


def test_goodwill_decide_takes_a_usage_overrun_with_the_fair_use_pack(tmp_path: Path) -> None:
    """docs/policy.md §6: `goodwill decide CASE.json` with `usage_overrun` gives request_type fair_use and a measure."""
    exe = shutil.which("goodwill", path=str(Path(sys.executable).parent))
    assert exe, "the console script `goodwill` is not installed in this environment"
    case = {
        "today": "2026-11-23",
        "usage_overrun": {"month": "2026-11"},
        "customer": {
            "fair_use": {"months_over_limit": 5, "products": ["Mobile Flat", "Combo XL"], "migration_refused": True}
        },
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    result = subprocess.run(
        [exe, "decide", str(path), "--pack", "fair-use"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["request_type"], out["outcome"], out["measure"]) == ("fair_use", "approve", "no_termination")
    assert out["clauses"] == ["FU-3", "FU-TV"] and out["actions"] == []
    assert out["pack"]["id"] == "fair-use" and "Combo XL" in out["note"]


def test_policy_show_lists_the_fair_use_pack() -> None:
    exe = shutil.which("goodwill", path=str(Path(sys.executable).parent))
    assert exe
    result = subprocess.run([exe, "policy", "show", "--pack", "fair-use"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "policy pack fair-use" in result.stdout and "partner = KNU" in result.stdout
