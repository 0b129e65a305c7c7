"""`run_eval`: the report on a labelled corpus, and its errors for bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from policies.offline.evaluation import evaluate, load_corpus, run_eval


def _row(i: int, body: str, request_type: str, abusive: bool = False, **facts: object) -> dict[str, object]:
    return {
        "id": f"t{i}",
        "subject": "",
        "body": body,
        "attachments": [],
        "label": {"request_type": request_type, "abusive": abusive, "severity": None, "facts": facts},
    }


ROWS = [
    _row(1, "Ich möchte mein Programm zurückgeben.", "program_return", language="de", reason=None),
    _row(
        2,
        "Kann ich den Club für 3 Monate pausieren? Ich bin schwanger.",
        "club_pause",
        duration_days=90,
        reason="pregnancy",
    ),
    _row(3, "Ihr Idioten.", "abuse", abusive=True),
    _row(4, "Ich kann mich nicht einloggen.", "program_extension"),  # deliberately mislabelled: must show as an error
]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_the_report_shows_scores_confusion_abuse_and_facts(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_eval(str(_write(tmp_path / "c.jsonl", ROWS)), out) == 0
    text = out.getvalue()
    for part in (
        "macro-F1",
        "confusion (rows = gold",
        "abuse:  precision 1.000  recall 1.000",
        "fact accuracy:",
        "duration_days",
        "misclassified: t4 (p_ext→other)",
    ):
        assert part in text


def test_scores_count_a_wrong_label_against_both_types(tmp_path: Path) -> None:
    res = evaluate(load_corpus(str(_write(tmp_path / "c.jsonl", ROWS))))
    assert res.per_type["program_extension"].recall == 0.0
    assert res.per_type["other"].precision == 0.0
    assert res.per_type["program_return"].f1 == 1.0
    assert res.confusion[("program_extension", "other")] == 1
    assert res.fact_accuracy["duration_days"] == 1.0


def test_a_directory_of_corpus_files_is_read_whole(tmp_path: Path) -> None:
    _write(tmp_path / "a.jsonl", ROWS[:2])
    _write(tmp_path / "b.jsonl", ROWS[2:])
    assert len(load_corpus(str(tmp_path))) == 4


def test_a_missing_path_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_eval(str(tmp_path / "nope.jsonl"), io.StringIO()) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not found" in err


def test_bad_json_exits_2_naming_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(ROWS[0]) + "\n{not json\n", encoding="utf-8")
    assert run_eval(str(bad), io.StringIO()) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.jsonl:2" in err


def test_a_line_without_a_label_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_eval(str(_write(tmp_path / "x.jsonl", [{"id": "x", "body": "hi"}])), io.StringIO()) == 2
    assert "label.request_type" in capsys.readouterr().err


def test_an_empty_directory_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_eval(str(tmp_path), io.StringIO()) == 2
    assert "no *.jsonl" in capsys.readouterr().err
