"""Clause parameters in the pack: defaults, validation (one clear line), and the readable listing."""

from __future__ import annotations

import copy
import tomllib
from datetime import date
from pathlib import Path

import pytest

from policies.decide import decide
from policies.model import Customer, Ticket
from policies.pack.loader import PACK_DIR, PackError, _validate, load_pack
from policies.pack.params import PARAMS, describe_pack, param, within_authority
from policies.reading.classification import Classification, Facts

RAW = tomllib.loads((PACK_DIR / "goodwill.toml").read_text(encoding="utf-8"))


def with_value(dotted: str, value: object) -> dict:
    raw = copy.deepcopy(RAW)
    section, key = dotted.split(".")
    raw.setdefault(section, {})[key] = value
    return raw


def test_the_shipped_pack_sets_every_clause_parameter_explicitly() -> None:
    pack = load_pack("goodwill")
    missing = [
        k for k in PARAMS if k.split(".")[1] not in pack.raw.get(k.split(".")[0], {}) and not k.startswith("fair_use.")
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("dotted", "value", "message"),
    [
        ("return.window_days", 0, "return.window_days must be a positive integer"),
        ("return.window_days", "30", "return.window_days must be a positive integer"),
        ("return.window_days", True, "return.window_days must be a positive integer"),
        ("extension.weeks", -4, "extension.weeks must be a positive integer"),
        ("extension.tag", "", "extension.tag must be a non-empty string"),
        ("return.escalate_to", "boss", "return.escalate_to must be one of ofd, head_of_ch, coach_leads, supervisor"),
        ("coach_extension.v2_start", "2023-06-01", "coach_extension.v2_start must be a date"),
        ("club_exit.documents", {"unemployment": "letter"}, "club_exit.documents must be a table"),
        ("pause.weighty_reasons", ["flu"], "pause.weighty_reasons must be a list of reasons"),
        ("general.timezone", "Europe/Atlantis", "general.timezone must be an IANA time zone name"),
        ("general.one_gesture_types", ["extension"], "general.one_gesture_types must be a list of request types"),
        (
            "authority.agent",
            ["program_extension:approve"],
            "authority.agent must be a list of 'request_type/outcome' strings",
        ),
        ("abuse.ladder", ["warning", "jail"], "abuse.ladder must be a list from"),
        ("abuse.severe_min_step", 4, "abuse.severe_min_step must be smaller than the length of abuse.ladder"),
        ("extension.week", 4, "extension.week must be one of the known keys"),
    ],
)
def test_an_invalid_parameter_is_refused_with_one_line_naming_it(dotted: str, value: object, message: str) -> None:
    with pytest.raises(PackError) as err:
        _validate(with_value(dotted, value), "goodwill.toml")
    text = str(err.value)
    assert text.startswith(f"policy pack goodwill.toml: {message}") and "\n" not in text


def test_a_pack_file_with_a_bad_parameter_does_not_load(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text(
        (PACK_DIR / "goodwill.toml").read_text(encoding="utf-8").replace("window_days = 30", "window_days = -1"),
        encoding="utf-8",
    )
    with pytest.raises(PackError, match=r"broken.toml:\d+: return.window_days must be a positive integer"):
        load_pack(str(bad))


def test_a_pack_without_the_clause_sections_uses_the_domain_defaults() -> None:
    pack = _validate({"id": "mini", "version": "1"}, "mini.toml")
    assert (
        param(pack, "return.window_days"),
        param(pack, "extension.weeks"),
        param(pack, "coach_extension.v2_start"),
    ) == (30, 4, date(2023, 6, 1))


def test_changed_parameters_change_the_decision() -> None:
    pack = _validate(with_value("extension.weeks", 6) | {"version": "test"}, "custom.toml")
    d = decide(
        Ticket(1, "", ""),
        Customer(program_end_date=date(2026, 12, 31)),
        date(2026, 11, 23),
        pack=pack,
        classification=Classification("program_extension", facts=Facts()),
    )
    assert d.actions[1].value == "2027-02-11"
    assert (d.pack_id, d.pack_version) == ("goodwill", "test")


def test_decisions_record_the_pack_id_and_version() -> None:
    pack = load_pack("goodwill")
    d = decide(Ticket(1, "", ""), Customer(), date(2026, 11, 23), classification=Classification("other"))
    assert (d.pack_id, d.pack_version) == (pack.id, pack.version)
    assert d.to_dict()["pack"] == {"id": pack.id, "version": pack.version}


def test_the_agents_authority_is_a_list_of_type_outcome_pairs() -> None:
    pack = load_pack("goodwill")
    assert within_authority(pack, "coach_extension", "approve")
    assert not within_authority(pack, "coach_refund", "approve")


def test_the_pack_listing_shows_id_version_and_each_parameter() -> None:
    text = describe_pack(load_pack("goodwill"))
    assert text.splitlines()[0].startswith("policy pack goodwill ")
    assert "window_days = 30" in text and "v2_start = 2023-06-01" in text and "[coach_extension]" in text
    assert "memb_intueat_coach_1.0_extended_6weeks" in text


def test_a_misspelt_section_is_refused_with_its_name_and_line() -> None:
    from policies.pack.loader import parse_pack

    text = (PACK_DIR / "goodwill.toml").read_text(encoding="utf-8")
    line = text.splitlines().index("[extension]") + 1
    with pytest.raises(PackError, match=rf"typo.toml:{line}: \[extensoin\] must be one of the known sections"):
        parse_pack(text.replace("[extension]", "[extensoin]"), "typo.toml")


def test_a_misspelt_top_level_key_is_refused_with_its_line() -> None:
    from policies.pack.loader import parse_pack

    text = (
        (PACK_DIR / "goodwill.toml").read_text(encoding="utf-8").replace('tenant = "intumind"', 'tennant = "intumind"')
    )
    with pytest.raises(PackError, match=r"typo.toml:\d+: tennant must be one of the known"):
        parse_pack(text, "typo.toml")


def test_a_misspelt_marker_key_is_refused() -> None:
    from policies.pack.loader import parse_pack

    text = (PACK_DIR / "goodwill.toml").read_text(encoding="utf-8").replace("applied_tag =", "aplied_tag =")
    with pytest.raises(PackError, match=r"markers.aplied_tag must be one of the known keys"):
        parse_pack(text, "typo.toml")
