"""End to end: every tests/policies/cases/*.json through `decide_case` (classifier + rules + note),
and a few through the installed `goodwill decide` console script.

Each case file holds a CASE.json (docs/policy.md §6) plus `expected` (the contract fields to check).
A case the classifier is known to read wrong carries `"xfail": "<why>"`: it is reported, not
bent, and the strict xfail flags the day the classifier gets it right.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from policies.offline.case import decide_case
from policies.render.note import MAX_WORDS, word_count

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))
CONTRACT = ("request_type", "outcome", "alternative", "escalate_to", "measure", "clauses", "actions")


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def params() -> list[Any]:
    out = []
    for path in CASES:
        data = load(path)
        marks = [pytest.mark.xfail(strict=True, reason=data["xfail"])] if data.get("xfail") else []
        out.append(pytest.param(path, id=path.stem, marks=marks))
    return out


def test_there_are_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("path", params())
def test_the_case_is_decided_as_expected(path: Path) -> None:
    data = load(path)
    out = decide_case(data)
    expected = data["expected"]
    got = {k: out[k] for k in CONTRACT} | {k: out[k] for k in ("abusive", "severity") if k in expected}
    assert got == {k: expected[k] for k in got}
    assert word_count(out["note"]) <= MAX_WORDS
    assert out["pack"]["id"] == "goodwill"


def _goodwill() -> list[str]:
    exe = shutil.which("goodwill", path=str(Path(sys.executable).parent))
    assert exe, "the console script `goodwill` is not installed in this environment"
    return [exe]


@pytest.mark.parametrize("name", ["001_extension_first_time_approved", "071_fair_use_mobile_tv_no_termination"])
def test_the_console_script_prints_the_decision_as_json(name: str) -> None:
    path = Path(__file__).parent / "cases" / f"{name}.json"
    result = subprocess.run([*_goodwill(), "decide", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    expected = load(path)["expected"]
    assert {k: out[k] for k in CONTRACT} == {k: expected[k] for k in CONTRACT}


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "invalid JSON"),
        ('{"today": "2026-02-30", "ticket": {"number": 1, "body": "x"}}', "today: invalid date '2026-02-30'"),
        ('{"today": "2026-11-23"}', "exactly one of 'ticket' or 'usage_overrun'"),
        ('{"today": "2026-11-23", "ticket": {"body": "x"}}', "ticket.number: missing"),
    ],
)
def test_the_console_script_refuses_bad_input_with_exit_2_and_one_line(
    tmp_path: Path, content: str, fragment: str
) -> None:
    path = tmp_path / "case.json"
    path.write_text(content, encoding="utf-8")
    result = subprocess.run([*_goodwill(), "decide", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert fragment in result.stderr and len(result.stderr.strip().splitlines()) == 1
