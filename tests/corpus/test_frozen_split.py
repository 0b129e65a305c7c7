"""The case corpus's test split is frozen: its bytes match the hash recorded when it was drawn."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.corpus.split import is_test

CASES = Path(__file__).resolve().parent / "cases"


def test_the_test_split_is_byte_for_byte_the_one_drawn_before_tuning() -> None:
    manifest = json.loads((CASES / "MANIFEST.json").read_text(encoding="utf-8"))
    assert hashlib.sha256((CASES / "test.jsonl").read_bytes()).hexdigest() == manifest["test_sha256"]


def test_no_case_is_in_both_splits_and_each_is_where_the_rule_puts_it() -> None:
    split = {
        name: [json.loads(line)["id"] for line in (CASES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        for name in ("train", "test")
    }
    assert not set(split["train"]) & set(split["test"])
    assert all(is_test(i) for i in split["test"]) and not any(is_test(i) for i in split["train"])
    assert len(split["test"]) >= 300


# Each held-back set and the least it must hold (fresh6: three helpers' cases of 2026-12-03).
FRESH = [("fresh", 300), ("fresh2", 150), ("fresh3", 150), ("fresh4", 150), ("fresh5", 150), ("fresh6", 150)]


@pytest.mark.parametrize(("name", "at_least"), FRESH)
def test_a_fresh_split_is_byte_for_byte_the_one_frozen_before_it_was_read_and_shares_no_case(
    name: str, at_least: int
) -> None:
    manifest = json.loads((CASES / "MANIFEST.json").read_text(encoding="utf-8"))
    fresh = CASES / f"{name}.jsonl"
    assert hashlib.sha256(fresh.read_bytes()).hexdigest() == manifest[name]["sha256"]
    ids = [json.loads(line)["id"] for line in fresh.read_text(encoding="utf-8").splitlines()]
    others = {
        json.loads(line)["id"]
        for other in ("train", "test", *(n for n, _ in FRESH))
        if other != name
        for line in (CASES / f"{other}.jsonl").read_text(encoding="utf-8").splitlines()
    }
    assert len(ids) == len(set(ids)) == manifest[name]["count"] >= at_least
    assert not set(ids) & others
