"""How the labelled case corpus was split, once, before any tuning: `python tests/corpus/split.py DRAFTS...`.

Every case goes to `test.jsonl` when the SHA-256 of its id is 0 mod 5 (about 20 %), otherwise to
`train.jsonl`. The rule depends on nothing but the id, so re-running it on the same drafts gives the
same files; `MANIFEST.json` records the test split's hash, which tests/corpus/test_frozen_split.py checks,
so the test split cannot change without that check failing. Nobody tunes readers or rules on test.jsonl.

`fresh.jsonl` (300 cases, 2026-12-01) is a second held-back set, written by helpers who saw only the business
contract — not the code, the lexicon or these files — and frozen (hash in MANIFEST.json) before any reader ran
on it. It is not trained on (scripts/build_reader.py reads train.jsonl and the older dev/holdout files only).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent / "cases"


def is_test(case_id: str) -> bool:
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % 5 == 0


def main(paths: list[str]) -> None:
    rows = [json.loads(line) for p in paths for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"
    rows.sort(key=lambda r: r["id"])
    split = {"train": [r for r in rows if not is_test(r["id"])], "test": [r for r in rows if is_test(r["id"])]}
    for name, part in split.items():
        text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in part)
        (HERE / f"{name}.jsonl").write_text(text, encoding="utf-8")
    test_bytes = (HERE / "test.jsonl").read_bytes()
    manifest = {
        "rule": "sha256(id) % 5 == 0 -> test",
        "test_sha256": hashlib.sha256(test_bytes).hexdigest(),
        "counts": {name: len(part) for name, part in split.items()},
        "test_request_types": dict(sorted(Counter(r["label"]["request_type"] for r in split["test"]).items())),
        "test_outcomes": dict(sorted(Counter(r["label"]["outcome"] for r in split["test"]).items())),
    }
    (HERE / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(manifest["counts"]))


if __name__ == "__main__":
    main(sys.argv[1:])
