"""How the labelled case corpus was split, once, before any tuning: `python tests/corpus/split.py DRAFTS...`.

Every case goes to `test.jsonl` when the SHA-256 of its id is 0 mod 5 (about 20 %), otherwise to
`train.jsonl`. The rule depends on nothing but the id, so re-running it on the same drafts gives the
same files; `MANIFEST.json` records the test split's hash, which tests/corpus/test_frozen_split.py checks,
so the test split cannot change without that check failing. Nobody tunes readers or rules on test.jsonl.

`fresh.jsonl` (300 cases, 2026-12-01) is a second held-back set, written by helpers who saw only the business
contract — not the code, the lexicon or these files — and frozen (hash in MANIFEST.json) before any reader ran
on it. It is not trained on (scripts/build_reader.py reads train.jsonl and the older dev/holdout files only).
`fresh2.jsonl` (2026-12-01, later the same day) is a third, written and frozen the same way after the readers
were tuned on what the first two showed: `python tests/corpus/split.py --freeze fresh2 DRAFTS...`; `fresh3.jsonl`
(150, a second helper's, same brief) arrived after fresh2 had been read and was frozen unread, for one final report.
`fresh4.jsonl` (150, 2026-12-02) was written with the brief of the training cases of that day (a month of an inbox,
every type) and frozen before any reader ran on it, while the readers were retrained on the other helpers' cases.
`fresh5.jsonl` (150, 2026-12-02, later) was written with the same brief by two other helpers after the readers were
retrained on round 8 (`ye-`…`yh-`), frozen before any reader ran on it, read first with the system of that hour
and once more at the day's end; never tuned on.
`fresh6.jsonl` (150, 2026-12-03, `zf-`…`zh-`) was written by three helpers with that brief (one month of an inbox; one
with threats beside a request, one with phones, HTML and replies whose subject speaks of something else), frozen
before any reader ran on it, after the readers were tuned on everything else; read once, never tuned on.

Cases written later for training only (`--add-train DRAFTS...`: the ids `xa-…` to `xc-…` on 2026-12-01, `xd-…` to
`yl-…` on 2026-12-02 (no `yi-`), `ym-…` to `yr-…`, `yv-` and `yw-` on 2026-12-03, each prefix one helper's brief) are appended to
`train.jsonl`, renumbered in the order written and skipping every number whose id the rule would send to test,
so the frozen test split stays byte for byte what it was.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

from policies.vocab import Alternative, EscalationTarget, Outcome, RequestType, Severity

HERE = Path(__file__).resolve().parent / "cases"


def is_test(case_id: str) -> bool:
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % 5 == 0


def main(paths: list[str]) -> None:
    rows = [
        json.loads(line) for p in paths for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
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


# The contract's values, from the one vocabulary (a ticket case is never fair use: that is a usage overrun).
VALUES: dict[str, set[str | None]] = {
    "request_type": set(RequestType) - {RequestType.FAIR_USE},
    "outcome": set(Outcome),
    "alternative": {None, *Alternative},
    "escalate_to": {None, *EscalationTarget},
    "severity": {None, *Severity},
}


def _checked(rows: list[dict]) -> list[dict]:
    """Drafts whose label uses the contract's values, with the keys a case needs; the others are named and left out."""
    out = []
    for r in rows:
        label = r.get("label") or {}
        bad = [k for k, allowed in VALUES.items() if label.get(k) not in allowed]
        if bad or not isinstance(r.get("ticket"), dict) or "today" not in r or "customer" not in r:
            print(f"left out {r.get('id')}: {bad or 'missing ticket/today/customer'}", file=sys.stderr)
            continue
        label["abusive"] = bool(label.get("abusive")) or label.get("severity") == "severe"
        out.append(r)
    return out


def _read(paths: list[str]) -> list[dict]:
    return [
        json.loads(line) for p in paths for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _line(r: dict) -> str:
    return json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"


def add_train(paths: list[str]) -> None:
    rows = _checked(_read(paths))
    train = HERE / "train.jsonl"
    taken = {json.loads(line)["id"] for line in train.read_text(encoding="utf-8").splitlines()}
    numbers: dict[str, int] = {}
    added = []
    for r in rows:
        prefix = str(r["id"]).rsplit("-", 1)[0]
        while True:
            numbers[prefix] = numbers.get(prefix, 0) + 1
            case_id = f"{prefix}-{numbers[prefix]:03d}"
            if not is_test(case_id) and case_id not in taken:
                break
        r["id"] = case_id
        added.append(_line(r))
    with train.open("a", encoding="utf-8") as f:
        f.writelines(added)
    manifest = json.loads((HERE / "MANIFEST.json").read_text(encoding="utf-8"))
    manifest["counts"]["train"] = len(train.read_text(encoding="utf-8").splitlines())
    (HERE / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"added {len(added)} cases to train.jsonl ({manifest['counts']['train']} now)")


def freeze(name: str, what: str, paths: list[str]) -> None:
    rows = sorted(_checked(_read(paths)), key=lambda r: r["id"])
    target = HERE / f"{name}.jsonl"
    assert not target.exists(), f"{target} is frozen already"
    target.write_text("".join(_line(r) for r in rows), encoding="utf-8")
    manifest = json.loads((HERE / "MANIFEST.json").read_text(encoding="utf-8"))
    manifest[name] = {
        "what": what,
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
        "count": len(rows),
        "request_types": dict(sorted(Counter(r["label"]["request_type"] for r in rows).items())),
        "outcomes": dict(sorted(Counter(r["label"]["outcome"] for r in rows).items())),
    }
    (HERE / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"froze {len(rows)} cases as {target.name}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--add-train"]:
        add_train(sys.argv[2:])
    elif sys.argv[1:2] == ["--freeze"]:
        freeze(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        main(sys.argv[1:])
