"""The case corpus's test split is frozen: its bytes match the hash recorded when it was drawn."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.corpus.split import is_test

CASES = Path(__file__).resolve().parent / "cases"


def test_the_test_split_is_byte_for_byte_the_one_drawn_before_tuning() -> None:
    manifest = json.loads((CASES / "MANIFEST.json").read_text(encoding="utf-8"))
    assert hashlib.sha256((CASES / "test.jsonl").read_bytes()).hexdigest() == manifest["test_sha256"]


def test_no_case_is_in_both_splits_and_each_is_where_the_rule_puts_it() -> None:
    split = {name: [json.loads(line)["id"] for line in (CASES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
             for name in ("train", "test")}
    assert not set(split["train"]) & set(split["test"])
    assert all(is_test(i) for i in split["test"]) and not any(is_test(i) for i in split["train"])
    assert len(split["test"]) >= 300


def test_the_fresh_split_is_byte_for_byte_the_one_frozen_before_it_was_read_and_shares_no_case() -> None:
    manifest = json.loads((CASES / "MANIFEST.json").read_text(encoding="utf-8"))
    fresh = CASES / "fresh.jsonl"
    assert hashlib.sha256(fresh.read_bytes()).hexdigest() == manifest["fresh"]["sha256"]
    ids = [json.loads(line)["id"] for line in fresh.read_text(encoding="utf-8").splitlines()]
    others = {
        json.loads(line)["id"]
        for name in ("train", "test")
        for line in (CASES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    }
    assert len(ids) == len(set(ids)) == manifest["fresh"]["count"] >= 300
    assert not set(ids) & others
